// Explorer: the jobs' loop, what they share while running, and the merge of their results.
#include "sim/explore/explorer.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "sim/core/history.hpp"
#include "sim/core/observer.hpp"
#include "sim/explore/progress.hpp"
#include "sim/explore/replay_strategy.hpp"
#include "sim/core/watchdog.hpp"

namespace sim {

namespace {

using Clock = std::chrono::steady_clock;

// An execution's place in the whole search: its unit, then its rank within the unit.
struct Place {
  std::uint64_t unit = 0;
  std::uint64_t local = 0;
  bool operator<(const Place& o) const { return unit != o.unit ? unit < o.unit : local < o.local; }
};

struct Found {
  Place place;
  Failure failure;
  bool names_execution = false;
};

// What one job did.
struct JobResult {
  std::map<std::uint64_t, std::uint64_t> units;  // executions counted per unit
  std::vector<Found> found;
  bool exhausted = false;  // the slice was walked to its end
  bool complete = false;   // ... and the strategy says it covered its space
  bool interrupted = false;
  std::uint64_t walked = 0, redundant = 0, divergences = 0, digest = 0;
};

// What jobs share while they run: executions per unit (for the budget), the first failure so
// far (for Stop), and figures for the progress line.
class Board {
 public:
  explicit Board(const ExploreRun& run, std::uint32_t jobs)
      : run_(run), start_(Clock::now()), counted_(jobs, 0), progress_(jobs, 0.0) {}

  // A job's executions in `unit` since its last report (reported in batches: no lock per execution).
  void count(std::uint32_t job, std::uint64_t unit, std::uint64_t executions, double progress) {
    std::lock_guard lock(mutex_);
    sizes_[unit] += executions;
    counted_[job] += executions;
    progress_[job] = progress;
  }
  // Executions counted in units before `unit`, a lower bound on where the unit starts.
  std::uint64_t before(std::uint64_t unit) {
    std::lock_guard lock(mutex_);
    std::uint64_t n = 0;
    for (auto it = sizes_.begin(); it != sizes_.end() && it->first < unit; ++it) n += it->second;
    return n;
  }
  void offer_failure(Place p) {
    std::lock_guard lock(mutex_);
    if (!first_ || p < *first_) first_ = p;
    failures_.fetch_add(1, std::memory_order_relaxed);
  }
  bool past_first_failure(Place p) {
    if (failures_.load(std::memory_order_relaxed) == 0) return false;
    std::lock_guard lock(mutex_);
    return first_ && *first_ < p;
  }
  // Asked to stop from outside (the cancel flag, Ctrl-C): the report says it was interrupted.
  bool cancelled() const {
    return (run_.cancel != nullptr && run_.cancel->load(std::memory_order_relaxed)) ||
           SigintStop::flag().load(std::memory_order_relaxed);
  }
  bool out_of_time() const {
    return run_.time_limit > 0 && std::chrono::duration<double>(Clock::now() - start_).count() >= run_.time_limit;
  }
  std::string status() {
    std::lock_guard lock(mutex_);
    std::uint64_t total = 0;
    double estimate = 0;
    for (std::size_t j = 0; j < counted_.size(); ++j) {
      total += counted_[j];
      if (progress_[j] > 0) estimate += static_cast<double>(counted_[j]) / progress_[j];
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - start_).count();
    std::string text = "interleave: " + std::to_string(total) + " executions, " +
                       std::to_string(static_cast<std::uint64_t>(seconds > 0 ? total / seconds : 0)) + "/s, " +
                       std::to_string(failures_.load()) + " failures";
    if (estimate >= static_cast<double>(total) && estimate > 0) {
      text += ", about " + std::to_string(static_cast<std::uint64_t>(estimate)) + " in all";
    }
    return text + " [" + run_.description + "]";
  }

 private:
  const ExploreRun& run_;
  Clock::time_point start_;
  std::mutex mutex_;
  std::map<std::uint64_t, std::uint64_t> sizes_;
  std::optional<Place> first_;
  std::atomic<std::uint64_t> failures_{0};
  std::vector<std::uint64_t> counted_;
  std::vector<double> progress_;
};

std::uint64_t schedule_hash(const Schedule& s) {
  std::uint64_t h = 1469598103934665603ull;
  for (const Choice& c : s.choices) {
    h = (h ^ (static_cast<std::uint64_t>(c.value) * 2 + (c.kind == Choice::Kind::Value))) * 1099511628211ull;
  }
  return h ^ (h >> 29);
}

JobResult run_job(const std::function<void()>& body, SlicedStrategy& strategy, const ExploreRun& run, Board& board,
                  std::uint32_t job, ProgressPrinter* printer, JobWatch* watch) {
  JobResult out;
  const Watchdog watchdog(run.time_limit);  // a task stuck between steps past the budget
  Execution exec(run.limits);
  std::vector<Observer*> observers;
  if (auto* o = dynamic_cast<Observer*>(&strategy)) observers.push_back(o);
  // The checkers watch counted executions only: the others are another slice's to report.
  std::vector<Observer*> watched = observers;
  if (watch != nullptr) watched.push_back(watch);
  std::vector<Failure> findings;
  Place at{~std::uint64_t{0}, 0};
  std::uint64_t before = 0;    // counted executions known in units before at.unit
  std::uint64_t unreported = 0;  // executions in at.unit not yet on the board
  auto report = [&] {
    if (unreported == 0) return;
    out.units[at.unit] += unreported;
    board.count(job, at.unit, unreported, strategy.progress());
    unreported = 0;
  };
  for (std::uint64_t n = 0;; ++n) {
    if (board.cancelled()) {
      out.interrupted = true;
      break;
    }
    if (board.out_of_time()) break;
    if (printer != nullptr && printer->due()) printer->draw(board.status());
    if (!strategy.begin_execution()) {
      out.exhausted = true;
      out.complete = strategy.complete();
      break;
    }
    const bool counted = strategy.counted();
    if (counted) {
      if (strategy.unit() != at.unit) {
        report();
        at = Place{strategy.unit(), 0};
        if (run.iterations > 0) before = board.before(at.unit);
      } else if ((n & 255) == 0) {
        report();
        if (run.iterations > 0) before = board.before(at.unit);
      }
      // Everything from here on in this slice lies past the budget or the first failure.
      if (run.iterations > 0 && before + at.local >= run.iterations) break;
      if (run.on_failure == OnFailure::Stop && board.past_first_failure(at)) break;
    }
    const bool checked = counted && watch != nullptr;
    if (checked) watch->enter(at.unit, at.local);
    std::optional<Failure> failure = exec.run(body, strategy, checked ? watched : observers);
    ++out.walked;
    if (failure) {
      failure->schedule = exec.schedule_so_far();
      failure->found_by = strategy.describe();
    }
    if (checked) {
      watch->take_findings(findings);  // after the failure, as the Runner orders them
      for (Failure& f : findings) f.found_by = strategy.describe();
      if (watch->kept()) watch->describe(strategy.describe(), strategy.names_execution());
    }
    if (counted) out.digest += schedule_hash(exec.schedule_so_far());
    const std::uint64_t redundant_before = strategy.redundant();
    strategy.end_execution();
    if (!counted) continue;
    if (strategy.redundant() != redundant_before) ++out.redundant;
    ++unreported;
    if (failure) {
      out.found.push_back(Found{at, std::move(*failure), strategy.names_execution()});
      if (run.on_failure == OnFailure::Stop) board.offer_failure(at);
    }
    for (Failure& f : findings) out.found.push_back(Found{at, std::move(f), strategy.names_execution()});
    findings.clear();
    ++at.local;
  }
  report();
  return out;
}

// A finding that does not end its execution (a race, a predicted deadlock) is told as the Runner
// tells it: the token of the execution that shows it, and that execution's story.
void tell(const std::function<void()>& body, Failure& f, const ExploreRun& run) {
  f.token = f.schedule.encode();
  Execution exec(run.limits);
  ReplayStrategy replay(f.schedule);
  HistoryRecorder recorder(run.limits.history_steps);
  Observer* observers[] = {&recorder};
  replay.begin_execution();
  exec.run(body, replay, observers);
  replay.end_execution();
  f.history = recorder.take();
  if (!replay.divergence().empty()) {
    f.nondeterministic = true;
    f.replay_note = replay.divergence();
  }
}

// Re-run a failure from its schedule, as the Runner does for its own findings, so the failure
// comes back with its token, its story, and a note if the body did not repeat it.
void verify(const std::function<void()>& body, Failure& f, const ExploreRun& run) {
  if (!is_fatal(f.kind)) return tell(body, f, run);
  Runner runner(RunOptions{.iterations = 1, .limits = run.limits});
  ReplayStrategy replay(f.schedule);
  Report again = runner.run(body, replay);
  const Failure* g = again.failures.empty() ? nullptr : &again.failures.front();
  if (g != nullptr && g->kind == f.kind && g->where == f.where && g->message == f.message) {
    const std::uint64_t execution = f.execution;
    std::string found_by = std::move(f.found_by);
    f = *g;
    f.execution = execution;
    f.found_by = std::move(found_by);
    return;
  }
  f.token = f.schedule.encode();
  Report story = runner.replay(body, f.schedule);
  if (!story.failures.empty()) f.history = std::move(story.failures.front().history);
  f.nondeterministic = true;
  f.replay_note = (g != nullptr ? "the replay ended with a different finding: " + std::string(to_string(g->kind)) + ": " + g->message
                                : std::string("the replay ended without the failure")) +
                  " (the body is nondeterministic: it depends on something the schedule does not control, such as time, "
                  "randomness, addresses or state kept between executions)";
}

// Lay the units out in order and cut at the budget or at the first failure.
Report merge(std::vector<JobResult>& results, std::vector<std::unique_ptr<JobWatch>>& watches, const ExploreRun& run,
             ExploreStats* stats) {
  Report report;
  std::map<std::uint64_t, std::uint64_t> sizes;
  std::vector<Found> found;
  bool exhausted = true, complete = true;
  ExploreStats figures;
  for (JobResult& r : results) {
    for (auto [unit, n] : r.units) sizes[unit] += n;
    for (Found& f : r.found) found.push_back(std::move(f));
    exhausted = exhausted && r.exhausted;
    complete = complete && r.complete;
    report.interrupted = report.interrupted || r.interrupted;
    figures.walked += r.walked;
    figures.redundant += r.redundant;
    figures.divergences += r.divergences;
    figures.digest += r.digest;
  }
  std::uint64_t total = 0;
  std::map<std::uint64_t, std::uint64_t> starts;  // unit -> executions before it
  for (auto [unit, n] : sizes) {
    starts[unit] = total;
    total += n;
  }
  figures.executions = total;
  figures.units = sizes.size();
  if (run.checks != nullptr) {
    auto execution = [&](std::uint64_t unit, std::uint64_t rank) { return starts[unit] + rank + 1; };
    for (PlacedFailure& p : run.checks->span(watches, execution)) {
      found.push_back(Found{Place{p.unit, p.rank}, std::move(p.failure), p.names_execution});
    }
  }
  // Stable: one execution's findings keep their order (its failure, then what the checkers saw).
  std::stable_sort(found.begin(), found.end(), [](const Found& a, const Found& b) { return a.place < b.place; });
  std::uint64_t limit = run.iterations > 0 ? std::min(total, run.iterations) : total;
  for (Found& f : found) {
    const std::uint64_t position = starts[f.place.unit] + f.place.local;
    if (position >= limit) break;
    f.failure.execution = position + 1;
    if (!f.names_execution) f.failure.found_by += " execution=" + std::to_string(position + 1);
    const bool fatal = is_fatal(f.failure.kind);
    const bool known = std::any_of(report.failures.begin(), report.failures.end(),
                                   [&](const Failure& k) { return k.same_place(f.failure); });
    if (!known) report.failures.push_back(std::move(f.failure));
    // Stop: nothing after this execution; what the checkers saw in it still counts.
    if (run.on_failure == OnFailure::Stop && fatal) limit = position + 1;
  }
  report.executions = limit;
  // Complete: every slice walked to its end, nothing cut by a budget or by stopping at a failure.
  // (A race or a predicted deadlock does not stop a search.)
  const bool stopped = run.on_failure == OnFailure::Stop &&
                       std::any_of(report.failures.begin(), report.failures.end(), [](const Failure& f) { return is_fatal(f.kind); });
  report.complete = exhausted && complete && !report.interrupted && limit == total && !stopped;
  report.strategy = run.description;
  if (stats != nullptr) *stats = figures;
  return report;
}

}  // namespace

Report explore_slices(const std::function<void()>& body, const StrategyFactory& make, const ExploreRun& run,
                      ExploreStats* stats) {
  const auto start = Clock::now();
  const std::uint32_t jobs = std::max<std::uint32_t>(run.jobs, 1);
  Board board(run, jobs);
  std::vector<std::unique_ptr<SlicedStrategy>> strategies;
  std::atomic<std::uint64_t> next_unit{0};
  for (std::uint32_t j = 0; j < jobs; ++j) {
    strategies.push_back(make(Slice{.shard = run.shard,
                                    .shards = std::max<std::uint32_t>(run.shards, 1),
                                    .job = j,
                                    .jobs = jobs,
                                    .next = jobs > 1 ? &next_unit : nullptr}));
  }
  std::vector<JobResult> results(jobs);
  std::vector<std::unique_ptr<JobWatch>> watches(jobs);
  if (run.checks != nullptr) {
    for (auto& w : watches) w = run.checks->watch();
  }
  {
    ProgressPrinter printer(run.progress == ProgressLine::On);
    std::mutex mutex;
    std::condition_variable ended;
    std::uint32_t running = jobs - 1;
    std::vector<std::thread> threads;
    for (std::uint32_t j = 1; j < jobs; ++j) {
      threads.emplace_back([&, j] {
        results[j] = run_job(body, *strategies[j], run, board, j, nullptr, watches[j].get());
        std::lock_guard lock(mutex);
        --running;
        ended.notify_all();
      });
    }
    // Job 0 runs here and draws the progress line; then it keeps drawing until the others end.
    results[0] = run_job(body, *strategies[0], run, board, 0, &printer, watches[0].get());
    {
      std::unique_lock lock(mutex);
      while (!ended.wait_for(lock, std::chrono::milliseconds(250), [&] { return running == 0; })) {
        if (printer.due()) printer.draw(board.status());
      }
    }
    for (std::thread& t : threads) t.join();
  }
  for (std::uint32_t j = 0; j < jobs; ++j) results[j].divergences = strategies[j]->divergences();
  Report report = merge(results, watches, run, stats);
  for (Failure& f : report.failures) verify(body, f, run);
  if (run.checks != nullptr) run.checks->reconcile(report);  // after verify, which rebuilds failures
  report.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return report;
}

}  // namespace sim
