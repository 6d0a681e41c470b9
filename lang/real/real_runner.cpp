// run_real_threads: one OS thread per scenario thread, released together; a watchdog per run;
// outcomes grouped by kind and message; optional start/end times for a trace.
#include "lang/real/real_runner.hpp"

#include <sched.h>

#include <chrono>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <thread>

#include "lang/outcome.hpp"
#include "sim/core/errors.hpp"

namespace lang {

namespace {

using Clock = std::chrono::steady_clock;

// One run's state, shared with its threads: a stalled run's threads may outlive the loop.
struct Run {
  Run(const Program& p, const RealRunOptions& o)
      : backend(p, o.noise), in(p, InterpreterOptions{.max_local_work = o.max_local_work}, backend.backend()) {}
  RealBackend backend;
  Interpreter in;
  std::atomic<bool> go{false};
  std::mutex m;
  std::condition_variable finished;
  std::uint32_t done = 0;
  struct Span {
    Clock::time_point start, end;
    int cpu = 0;
  };
  std::vector<Span> spans;
};

// Runs `part` as scenario thread `index` of the run (threads() is main), turning what ends it
// into the run's outcome.
template <class Part>
void as_thread(Run& run, std::uint32_t index, Part part) {
  run.backend.enter(index);
  try {
    part();
  } catch (const RealStop&) {
  } catch (const std::exception& e) {
    run.backend.uncaught(sim::describe_exception(e));
  }
  run.backend.leave();
}

// The main thread's parts: begin (invariants at the start) and end (`finally:`).
template <class Part>
void on_main(Run& run, Part part) {
  run.backend.expect(1);
  as_thread(run, static_cast<std::uint32_t>(run.in.threads()), part);
}

// Thread i of a run: a scenario thread (i < n) or pool worker i - n, started held until `go`.
std::thread start_thread(const std::shared_ptr<Run>& run, std::uint32_t i, std::uint32_t n) {
  return std::thread([run, i, n] {
    while (!run->go.load(std::memory_order_acquire)) std::this_thread::yield();
    run->spans[i].start = Clock::now();
    run->spans[i].cpu = sched_getcpu();
    if (i < n) {
      as_thread(*run, i, [&] { run->in.run_thread(i); });
    } else {
      as_thread(*run, n + 1 + (i - n), [&] { run->backend.work(i - n); });  // main's index comes between
    }
    run->spans[i].end = Clock::now();
    std::lock_guard lock(run->m);
    ++run->done;
    run->finished.notify_all();
  });
}

// Starts the threads and the pools' workers, lets them go together, waits up to the stall
// limit for all of them. False: they would not stop.
bool run_threads(const std::shared_ptr<Run>& run, double stall_seconds, bool& stalled) {
  const auto n = static_cast<std::uint32_t>(run->in.threads());
  const std::uint32_t all = n + run->backend.workers();
  run->spans.resize(all);
  run->backend.expect(all);
  std::vector<std::thread> threads;
  threads.reserve(all);
  for (std::uint32_t i = 0; i < all; ++i) threads.push_back(start_thread(run, i, n));
  run->go.store(true, std::memory_order_release);
  std::unique_lock lock(run->m);
  const auto all_done = [&] { return run->done == all; };
  stalled = !run->finished.wait_for(lock, std::chrono::duration<double>(stall_seconds), all_done);
  // Stopped, every thread ends at its next step; one that takes none (a loop over locals) never does.
  if (stalled) {
    run->backend.stop();
    if (!run->finished.wait_for(lock, std::chrono::seconds(1), all_done)) {
      for (std::thread& t : threads) t.detach();
      return false;
    }
  }
  lock.unlock();
  for (std::thread& t : threads) t.join();
  return true;
}

void count(RealRunReport& report, RealOutcome outcome, std::uint64_t run) {
  for (RealOutcome& o : report.outcomes) {
    if (o.kind == outcome.kind && o.message == outcome.message) {
      ++o.runs;
      return;
    }
  }
  outcome.runs = 1;
  outcome.first_run = run;
  report.outcomes.push_back(std::move(outcome));
}

RealOutcome outcome_of(const RealFailure& f) {
  return RealOutcome{outcome_name(f.kind), f.message, f.where.file != nullptr && f.where.line > 0 ? sim::to_string(f.where) : "", f.thread, f.details};
}

void note_spans(RealRunReport& report, const Run& run, Clock::time_point origin) {
  const auto ns = [origin](Clock::time_point t) { return std::chrono::duration_cast<std::chrono::nanoseconds>(t - origin).count(); };
  for (std::size_t i = 0; i < run.spans.size(); ++i) {
    const Run::Span& s = run.spans[i];
    if (s.end < s.start) continue;
    report.timeline.segments.push_back(
        sim::Segment{sim::SegmentKind::Run, sim::TaskId{static_cast<std::uint32_t>(i + 1)}, static_cast<std::uint32_t>(std::max(s.cpu, 0)), ns(s.start), ns(s.end)});
  }
}

}  // namespace

RealRunReport run_real_threads(std::shared_ptr<const Program> program, const RealRunOptions& options) {
  RealRunReport report;
  sim::detail::set_noise_seed(options.seed);
  const Clock::time_point origin = Clock::now();
  for (std::uint64_t r = 1; r <= options.runs; ++r) {
    if (options.cancel != nullptr && options.cancel->load(std::memory_order_relaxed)) {
      report.interrupted = true;
      break;
    }
    auto run = std::make_shared<Run>(*program, options);
    on_main(*run, [&] { run->in.begin(); });
    bool stalled = false;
    bool stopped = true;
    if (!run->backend.failure()) stopped = run_threads(run, options.stall_seconds, stalled);
    if (stopped && !run->backend.failure() && !stalled) on_main(*run, [&] { run->in.end(); });
    if (options.record_timeline && stopped) note_spans(report, *run, origin);
    ++report.totals.runs;
    if (std::optional<RealFailure> f = run->backend.failure()) {
      ++report.totals.failed;
      count(report, outcome_of(*f), r);
    } else if (stalled) {
      ++report.totals.failed;
      count(report, RealOutcome{"stall", "no end within " + std::to_string(static_cast<std::int64_t>(options.stall_seconds * 1000)) + " ms"}, r);
    }
    if (!stopped) {
      report.abandoned = true;  // its threads hold the run's state until the process ends
      report.totals.stalled = true;
      break;
    }
  }
  report.totals.seconds = std::chrono::duration<double>(Clock::now() - origin).count();
  if (options.record_timeline) {
    report.timeline.machine.cores = std::max(1u, std::thread::hardware_concurrency());
    report.timeline.makespan = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - origin).count();
    report.timeline.tasks.push_back(sim::TimelineTask{"main", 0, 0, report.timeline.makespan});
    for (const ThreadSpec& t : program->threads) report.timeline.tasks.push_back(sim::TimelineTask{t.name, 0, 0, report.timeline.makespan});
    for (const std::string& w : pool_workers(*program)) report.timeline.tasks.push_back(sim::TimelineTask{w, 0, 0, report.timeline.makespan});
  }
  return report;
}

}  // namespace lang
