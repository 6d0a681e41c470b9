// Timeline: the OS-like strategy and the recorder of a timing run, and the run itself.
#include "sim/time/timeline.hpp"

#include <algorithm>

#include "sim/core/observer.hpp"
#include "sim/core/op_traits.hpp"
#include "sim/explore/runner.hpp"
#include "sim/core/strategy.hpp"

namespace sim {

namespace {

// One execution, scheduled as an OS would at instants where no time passes: the running task
// goes on while it can; when it blocks, the lowest-numbered runnable task runs.
class OsStrategy final : public Strategy {
 public:
  bool begin_execution() override { return !done_ && (done_ = true); }
  TaskId next_task(std::span<const TaskId> runnable, TaskId current) override {
    for (TaskId t : runnable) {
      if (t == current) return t;
    }
    return runnable.front();
  }
  std::uint32_t next_value(std::uint32_t) override { return 0; }
  std::string describe() const override { return "timeline"; }

 private:
  bool done_ = false;
};

// Notes when each task starts and finishes, and the time at the end.
class Recorder final : public Observer {
 public:
  explicit Recorder(TimelineReport& out) : out_(out) {}
  void on_begin(const Execution&) override { out_.tasks.assign(1, TimelineTask{"main", 0, 0, 0}); }
  void on_event(const Execution& e, const Event& ev) override {
    const OpRole role = traits(ev.op.kind).role;
    if (role == OpRole::Spawn && ev.peer != no_task) {
      const std::uint32_t i = index(ev.peer);
      if (out_.tasks.size() <= i) out_.tasks.resize(i + 1);
      out_.tasks[i] = TimelineTask{e.task_name(ev.peer), 0, e.now(), -1};
    } else if (role == OpRole::Finish && index(ev.task) < out_.tasks.size()) {
      out_.tasks[index(ev.task)].end = e.now();
    }
  }
  void on_end(const Execution& e, const Failure*) override {
    out_.makespan = e.now();
    if (!out_.tasks.empty()) out_.tasks[0].end = e.now();
    for (TimelineTask& t : out_.tasks) {
      if (t.end < 0) t.end = e.now();
    }
  }

 private:
  TimelineReport& out_;
};

}  // namespace

Nanos TimelineReport::total(TaskId t, SegmentKind kind) const {
  Nanos sum = 0;
  for (const Segment& s : segments) {
    if (s.task == t && s.kind == kind) sum += s.end - s.start;
  }
  return sum;
}

TimelineReport timeline(const std::function<void()>& body, const TimelineOptions& options) {
  TimelineReport out;
  Machine machine(options.machine);
  out.machine = machine.model();
  OsStrategy strategy;
  Recorder recorder(out);
  Observer* observers[] = {&recorder};
  RunOptions run{.iterations = 1};
  run.limits.max_steps = options.max_steps;
  run.limits.stack_size = options.stack_size;
  run.limits.timing = ExecutionLimits::Timing::Strict;
  run.limits.spurious_wakeups = ExecutionLimits::Spurious::Never;
  Report report;
  {
    Machine::Scope scope(machine);
    report = Runner(run).run(body, strategy, observers);
  }
  if (!report.failures.empty()) out.failure = report.failures.front();
  out.segments = machine.segments();
  out.processes = machine.processes();
  for (std::uint32_t i = 0; i < out.tasks.size(); ++i) out.tasks[i].process = machine.process_of(TaskId{i});
  return out;
}

}  // namespace sim
