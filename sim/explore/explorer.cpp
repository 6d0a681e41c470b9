// Explorer: the jobs started, their results merged in the order of the whole search, and told.
#include "sim/explore/explorer.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "sim/explore/board.hpp"
#include "sim/explore/job.hpp"
#include "sim/explore/progress.hpp"
#include "sim/explore/retell.hpp"

namespace sim {

namespace {

using Clock = std::chrono::steady_clock;

struct Merged {
  std::map<std::uint64_t, std::uint64_t> starts;  // unit -> executions before it
  std::uint64_t total = 0;
  std::vector<Found> found;
};

// Every job's units and findings in the order of the whole search; the figures added up.
Merged gather(std::vector<JobResult>& results, Report& report, ExploreStats& figures, bool& exhausted, bool& complete) {
  Merged m;
  std::map<std::uint64_t, std::uint64_t> sizes;
  for (JobResult& r : results) {
    for (auto [unit, n] : r.units) sizes[unit] += n;
    for (Found& f : r.found) m.found.push_back(std::move(f));
    exhausted = exhausted && r.exhausted;
    complete = complete && r.complete;
    report.interrupted = report.interrupted || r.interrupted;
    report.time_limit_reached = report.time_limit_reached || r.out_of_time;
    figures.walked += r.walked;
    figures.redundant += r.redundant;
    report.states += r.states;
    figures.digest += r.digest;
    figures.kept += r.found.size();
  }
  for (auto [unit, n] : sizes) {
    m.starts[unit] = m.total;
    m.total += n;
    figures.unit_sizes.emplace_back(unit, n);
  }
  figures.executions = m.total;
  figures.units = sizes.size();
  return m;
}

// Lay the units out in order and cut at the budget or at the first failure.
Report merge(std::vector<JobResult>& results, std::vector<std::unique_ptr<JobWatch>>& watches, const ExploreRun& run,
             ExploreStats& figures) {
  Report report;
  bool exhausted = true, complete = true;
  Merged m = gather(results, report, figures, exhausted, complete);
  if (run.checks != nullptr) {
    auto execution = [&](std::uint64_t unit, std::uint64_t rank) { return m.starts[unit] + rank + 1; };
    for (PlacedFailure& p : run.checks->span(watches, execution)) {
      m.found.push_back(Found{Place{p.unit, p.rank}, std::move(p.failure), p.names_execution});
    }
  }
  // Stable: one execution's findings keep their order (its failure, then what the checkers saw).
  std::stable_sort(m.found.begin(), m.found.end(), [](const Found& a, const Found& b) { return a.place < b.place; });
  std::uint64_t limit = run.iterations > 0 ? std::min(m.total, run.iterations) : m.total;
  for (Found& f : m.found) {
    const std::uint64_t position = m.starts[f.place.unit] + f.place.local;
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
  const bool cut = limit < m.total || (!exhausted && !report.interrupted && !report.time_limit_reached);
  report.incomplete = stop_gaps(report, stopped, cut && !stopped);
  report.complete = exhausted && complete && !report.interrupted && !report.time_limit_reached && limit == m.total && !stopped;
  return report;
}

// Job 0 runs on this thread and draws the progress line; it keeps drawing until the others end.
void run_jobs(const std::function<void()>& body, std::vector<std::unique_ptr<SlicedStrategy>>& strategies,
              const ExploreRun& run, Board& board, std::vector<std::unique_ptr<JobWatch>>& watches, bool digest,
              Execution& home, std::vector<JobResult>& results) {
  ProgressPrinter printer(run.progress == ProgressLine::On);
  auto setup = [&](std::uint32_t j) {
    return Job::Setup{.number = j, .watch = watches[j].get(), .printer = j == 0 && printer.enabled() ? &printer : nullptr, .digest = digest};
  };
  std::mutex mutex;
  std::condition_variable ended;
  std::uint32_t running = static_cast<std::uint32_t>(strategies.size()) - 1;
  std::vector<std::thread> threads;
  for (std::uint32_t j = 1; j < strategies.size(); ++j) {
    threads.emplace_back([&, j] {
      Execution exec(run.limits);
      results[j] = Job(body, *strategies[j], run, board, setup(j)).run(exec);
      std::lock_guard lock(mutex);
      --running;
      ended.notify_all();
    });
  }
  results[0] = Job(body, *strategies[0], run, board, setup(0)).run(home);
  {
    std::unique_lock lock(mutex);
    while (!ended.wait_for(lock, std::chrono::milliseconds(250), [&] { return running == 0; })) {
      if (printer.due()) printer.draw(board.status());
    }
  }
  for (std::thread& t : threads) t.join();
}

}  // namespace

Report explore_slices(const std::function<void()>& body, const StrategyFactory& make, const ExploreRun& run,
                      ExploreStats* stats) {
  const auto start = Clock::now();
  const std::uint32_t jobs = std::max<std::uint32_t>(run.jobs, 1);
  if (jobs > 1 && !run.observers.empty()) throw std::invalid_argument("explore: observers watch one job only");
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
  std::vector<std::unique_ptr<JobWatch>> watches(jobs);
  if (run.checks != nullptr) {
    for (auto& w : watches) w = run.checks->watch();
  }
  std::vector<JobResult> results(jobs);
  Execution exec(run.limits);  // job 0's, then the one that tells the findings
  run_jobs(body, strategies, run, board, watches, stats != nullptr, exec, results);
  ExploreStats figures;
  for (const auto& s : strategies) figures.divergences += s->divergences();
  Report report = merge(results, watches, run, figures);
  for (const auto& s : strategies) {
    for (Gap& g : s->gaps()) add_gap(report.incomplete, std::move(g));
  }
  std::uint64_t sequential = 0;
  for (const JobResult& r : results) sequential += r.sequential;
  // (Jobs may have run past a search's first failure: no more than the report counts.)
  sequential = std::min(sequential, report.executions);
  if (sequential > 0) add_gap(report.incomplete, Gap{.kind = GapKind::Sequential, .count = sequential});
  drop_sampled_budget(report.incomplete);
  report.complete = report.complete && report.incomplete.empty();
  report.strategy = run.description.empty() ? strategies[0]->describe() : run.description;
  for (Failure& f : report.failures) tell(exec, body, f);
  if (run.checks != nullptr) run.checks->reconcile(report);
  report.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (stats != nullptr) *stats = figures;
  return report;
}

}  // namespace sim
