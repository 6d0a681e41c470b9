// Minimizer: the block view of a schedule, the strategy that follows blocks, and the search.
#include "checker/minimizer.hpp"

#include <algorithm>
#include <chrono>
#include <limits>
#include <optional>
#include <span>

#include "checker/race_detector.hpp"
#include "checker/story.hpp"
#include "sim/core/history.hpp"
#include "sim/core/observer.hpp"
#include "sim/core/strategy.hpp"
#include "sim/explore/replay_strategy.hpp"
#include "sim/explore/retell.hpp"

namespace checker {

using sim::TaskId;

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::uint32_t forever = std::numeric_limits<std::uint32_t>::max();

bool contains(std::span<const TaskId> tasks, TaskId t) { return std::find(tasks.begin(), tasks.end(), t) != tasks.end(); }

}  // namespace

bool can_minimize(const sim::Failure& f) {
  switch (f.kind) {
    case sim::FailureKind::PotentialDeadlock:  // its edges may come from several executions
    case sim::FailureKind::ReplayDivergence:
    case sim::FailureKind::StepLimit:          // every candidate would run to the step limit
    case sim::FailureKind::TaskLimit:
      return false;
    default:
      // A cycle's token must end where the cycle closes (a replay looks for it there).
      return !f.nondeterministic && !f.schedule.choices.empty() && f.cycle_from == 0;
  }
}

// "Task `task` runs until it has done `until` operations"; `preempted`: it started while the
// task before it could have gone on.
struct Minimizer::Block {
  TaskId task;
  std::uint32_t until;
  bool preempted;
};

// What one run showed, in the block view.
struct Minimizer::Attempt {
  bool shows = false;  // the same failure kind at the same place
  sim::Failure failure;  // as this run showed it
  sim::Schedule schedule;
  Plan blocks;
  Values values;
  std::size_t preemptions = 0;
  std::size_t steps = 0;
};

// Follows an exact schedule (to take the first failing run apart) or a plan of blocks, and
// records the blocks and each task's data choices of what really ran.
class Minimizer::Follower final : public sim::Strategy, public sim::Observer {
 public:
  explicit Follower(const sim::Schedule& schedule) : replay_(schedule), replaying_(true) {}
  Follower(Plan plan, Values values) : replay_(sim::Schedule{}), plan_(std::move(plan)), values_(std::move(values)) {}
  // Atomics run as they ran when the failure was found (Schedule::sequential).
  void keep_memory_model(bool on) { memory_model_ = on; }
  std::optional<bool> memory_model() const override { return memory_model_; }

  bool begin_execution() override {
    if (replaying_) {
      replay_.begin_execution();
      values_.clear();
    }
    used_.assign(values_.size(), 0);
    counts_.clear();
    blocks_.clear();
    at_ = 0;
    preemptions_ = steps_ = 0;
    return true;
  }
  TaskId next_task(std::span<const TaskId> runnable, TaskId current) override {
    if (replaying_) return replay_.next_task(runnable, current);
    while (at_ < plan_.size() && count(plan_[at_].task) >= plan_[at_].until) ++at_;
    if (at_ < plan_.size() && contains(runnable, plan_[at_].task)) return plan_[at_].task;
    // Past the plan, or the plan no longer fits: never preempt.
    return contains(runnable, current) ? current : runnable.front();
  }
  std::uint32_t next_value(std::uint32_t bound) override {
    // Data choices are kept per task, in order: they stay with their task when blocks move.
    const std::uint32_t t = sim::index(sim::Execution::current()->current_task());
    if (replaying_) {
      const std::uint32_t v = replay_.next_value(bound);
      if (t >= values_.size()) values_.resize(t + 1);
      values_[t].push_back(v);
      return v;
    }
    if (t >= values_.size() || used_[t] >= values_[t].size()) return 0;
    const std::uint32_t v = values_[t][used_[t]++];
    return v < bound ? v : 0;
  }
  void end_execution() override {
    if (replaying_) replay_.end_execution();
  }
  std::string describe() const override { return "minimize"; }

  void on_event(const sim::Execution&, const sim::Event& e) override {
    const std::uint32_t t = sim::index(e.task);
    if (t >= counts_.size()) counts_.resize(t + 1, 0);
    const std::uint32_t n = ++counts_[t];
    ++steps_;
    if (e.preempted) ++preemptions_;
    if (!blocks_.empty() && blocks_.back().task == e.task) {
      blocks_.back().until = n;
    } else {
      blocks_.push_back(Block{e.task, n, e.preempted});
    }
  }

  bool diverged() const { return replaying_ && !replay_.divergence().empty(); }
  void fill(Attempt& a) {
    a.blocks = std::move(blocks_);
    a.values = std::move(values_);
    a.preemptions = preemptions_;
    a.steps = steps_;
  }

 private:
  std::uint32_t count(TaskId t) const { return sim::index(t) < counts_.size() ? counts_[sim::index(t)] : 0; }

  sim::ReplayStrategy replay_;
  bool replaying_ = false;
  bool memory_model_ = true;
  Plan plan_;
  std::size_t at_ = 0;
  Values values_;
  std::vector<std::size_t> used_;
  std::vector<std::uint32_t> counts_;
  Plan blocks_;
  std::size_t preemptions_ = 0;
  std::size_t steps_ = 0;
};

void finish_failures(const std::function<void()>& body, sim::Report& report, const MinimizeOptions& options,
                     const sim::ExecutionLimits& limits) {
  std::unique_ptr<Minimizer> minimizer;
  for (sim::Failure& f : report.failures) {
    if (!options.enabled || !can_minimize(f)) continue;
    if (!minimizer) minimizer = std::make_unique<Minimizer>(body, options, limits);
    minimizer->shrink(f);
  }
  for (sim::Failure& f : report.failures) fill_access_values(f);
}

Minimizer::Minimizer(std::function<void()> body, MinimizeOptions options, sim::ExecutionLimits limits)
    : body_(std::move(body)), options_(options), history_steps_(limits.history_steps),
      exec_(std::make_unique<sim::Execution>(limits)) {}

Minimizer::~Minimizer() = default;

Minimizer::Attempt Minimizer::run(const sim::Failure& target, Follower& follower) {
  ++runs_;
  RaceDetector races;  // fresh each run: a race must show again, not be remembered
  sim::Observer* both[] = {&follower, &races};
  const bool race = target.kind == sim::FailureKind::DataRace;
  follower.begin_execution();
  std::optional<sim::Failure> failure = exec_->run(body_, follower, std::span<sim::Observer* const>(both, race ? 2 : 1));
  follower.end_execution();
  Attempt a;
  a.schedule = exec_->schedule_so_far();
  follower.fill(a);
  if (follower.diverged()) return a;
  if (race) {
    std::vector<sim::Failure> found;
    races.take_findings(found);
    for (sim::Failure& f : found) {
      if (!a.shows && f.same_place(target)) {
        a.failure = std::move(f);
        a.shows = true;
      }
    }
  } else if (failure && failure->kind == target.kind && failure->where == target.where) {
    a.failure = std::move(*failure);
    a.shows = true;
  }
  return a;
}

std::vector<Minimizer::Plan> Minimizer::candidates(const Plan& blocks, std::size_t k) {
  std::vector<Plan> out;
  const TaskId preempted = blocks[k - 1].task;
  // The preempted task goes on, up to where its next block ends.
  Plan go_on = blocks;
  auto next = std::find_if(go_on.begin() + static_cast<std::ptrdiff_t>(k) + 1, go_on.end(),
                           [&](const Block& b) { return b.task == preempted; });
  if (next != go_on.end()) {
    go_on[k - 1].until = next->until;
    go_on.erase(next);
  } else {
    go_on[k - 1].until = forever;
  }
  out.push_back(std::move(go_on));
  // The preempting block waits for its task's next turn.
  Plan later = blocks;
  later.erase(later.begin() + static_cast<std::ptrdiff_t>(k));
  out.push_back(std::move(later));
  // The preempted block waits instead.
  Plan earlier = blocks;
  earlier.erase(earlier.begin() + static_cast<std::ptrdiff_t>(k) - 1);
  out.push_back(std::move(earlier));
  return out;
}

bool Minimizer::shrink(sim::Failure& f) {
  runs_ = 0;
  if (!options_.enabled || !can_minimize(f)) return false;
  const auto start = Clock::now();
  auto budget_left = [&] {
    if (runs_ >= options_.max_runs) return false;
    return options_.time_limit <= 0 || std::chrono::duration<double>(Clock::now() - start).count() < options_.time_limit;
  };
  Follower exact(f.schedule);
  exact.keep_memory_model(!f.schedule.sequential);
  Attempt best = run(f, exact);
  if (!best.shows) return false;  // does not show again under observation: leave it as found
  const sim::ScheduleSize found{best.steps, best.preemptions};
  f.original = f.minimal = found;
  auto better = [](const Attempt& a, const Attempt& b) {
    return a.preemptions < b.preemptions || (a.preemptions == b.preemptions && a.blocks.size() < b.blocks.size());
  };
  auto try_plan = [&](Plan plan) {
    Follower follower(std::move(plan), best.values);
    follower.keep_memory_model(!f.schedule.sequential);
    Attempt a = run(f, follower);
    if (!a.shows || !better(a, best)) return false;
    best = std::move(a);
    return true;
  };
  if (best.preemptions > 0) try_plan({});  // no preemption at all
  bool improved = true;
  while (improved && best.preemptions > 0 && budget_left()) {
    improved = false;
    for (std::size_t k = 1; k < best.blocks.size() && !improved && budget_left(); ++k) {
      if (!best.blocks[k].preempted) continue;
      for (Plan& candidate : candidates(best.blocks, k)) {
        if (!budget_left()) break;
        if (try_plan(std::move(candidate))) {
          improved = true;  // the blocks changed: start over from the first preemption
          break;
        }
      }
    }
  }
  return adopt(f, found, std::move(best));
}

bool Minimizer::adopt(sim::Failure& f, sim::ScheduleSize found, Attempt best) {
  if (best.schedule == f.schedule) return false;
  // The story of the schedule kept, recorded as every finding's is.
  sim::Retold told = sim::retell(*exec_, body_, best.schedule, history_steps_);
  f.original_token = f.token;
  f.original = found;
  f.minimal = sim::ScheduleSize{best.steps, best.preemptions};
  f.schedule = std::move(best.schedule);
  f.token = f.schedule.encode();
  f.history = std::move(told.history);
  // The text must match the new story: the same failure, told with this run's tasks and steps.
  f.message = std::move(best.failure.message);
  f.details = std::move(best.failure.details);
  f.task = best.failure.task;
  f.task_name = std::move(best.failure.task_name);
  f.where = best.failure.where;  // a race's two places may come in the other order
  f.other = best.failure.other;
  f.accesses = std::move(best.failure.accesses);
  f.minimized = true;
  return true;
}

}  // namespace checker
