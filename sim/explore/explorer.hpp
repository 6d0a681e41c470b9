// Explorer: the one exploration loop. Every search runs here - any strategy, on one job or
// several (jobs = 1 runs on the calling thread), with or without checkers.
//
// Each job has its own Execution (fibers are single-threaded) and its own strategy, built for
// its slice of the search (see sliced_strategy.hpp); the loop itself is job.hpp's. Jobs count
// executions per unit; the merge lays the units out in the order one job would have taken them,
// so the report - the number of executions, the first failure (lowest unit, then lowest
// execution in it) and its token - is the same for any number of jobs. To keep that true under
// budgets, a job stops only when everything left in its slice lies past the iteration budget or
// past the first failure found so far; what it ran beyond the cut is dropped in the merge. Every
// finding kept is then verified and told by re-running its schedule once (retell.hpp).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "sim/core/execution.hpp"
#include "sim/core/failure.hpp"
#include "sim/core/observer.hpp"
#include "sim/explore/sliced_strategy.hpp"

namespace sim {

enum class OnFailure : std::uint8_t {
  Stop,      // end the run at the first fatal finding
  Continue,  // keep exploring; each distinct finding is kept once
};

enum class ProgressLine : std::uint8_t { Off, On };

// Checkers watching a search (races, lock order; interleave/explore.cpp makes them from checker/).
// Each job gets its own JobWatch, which sees that job's counted executions and nothing else
// (observers are per Execution and single-threaded); what one execution shows is a finding of
// that execution (take_findings). What spans executions is decided after the jobs, in the
// order one job would have run them, so the report does not depend on the number of jobs.
class JobWatch : public Observer {
 public:
  // Before each counted execution: its place in the search (unit, then rank in the unit).
  virtual void enter(std::uint64_t unit, std::uint64_t rank) = 0;
  // After it: whether it is kept for span(), and then what found it (the strategy's words).
  virtual bool kept() const { return false; }
  virtual void describe(std::string /*found_by*/, bool /*names_execution*/) {}
  // Instead of describe(): the execution was cut short (the time budget ran out), keep nothing of it.
  virtual void forget() {}
};

struct PlacedFailure {
  std::uint64_t unit = 0, rank = 0;  // the execution that shows it
  Failure failure;                   // found_by as describe() was told
  bool names_execution = false;
};

class SearchChecks {
 public:
  virtual ~SearchChecks() = default;
  virtual std::unique_ptr<JobWatch> watch() = 0;  // one per job, made before the jobs start
  // After the jobs: the findings that span executions. `execution` numbers a place as the
  // report does (1-based, in the order of the whole search).
  virtual std::vector<PlacedFailure> span(std::vector<std::unique_ptr<JobWatch>>& watches,
                                          const std::function<std::uint64_t(std::uint64_t unit, std::uint64_t rank)>& execution) = 0;
  // On the merged report, whose failures carry their execution numbers.
  virtual void reconcile(Report& report) = 0;
};

struct ExploreRun {
  std::uint64_t iterations = 0;  // counted executions at most; 0 = no limit
  double time_limit = 0;         // seconds; 0 = no limit
  OnFailure on_failure = OnFailure::Stop;
  ExecutionLimits limits{};
  std::uint32_t jobs = 1;
  std::uint32_t shard = 0;  // this shard, of `shards`
  std::uint32_t shards = 1;
  const std::atomic<bool>* cancel = nullptr;
  ProgressLine progress = ProgressLine::Off;  // a line on stderr, redrawn in place
  std::string description;                    // Report::strategy (empty: the strategy's describe() at the end)
  SearchChecks* checks = nullptr;             // null: no checkers, nothing to pay for them
  // More observers of every counted execution, whose findings are reported like the checkers'.
  // One job only: an observer watches one Execution.
  std::span<Observer* const> observers;
};

// Figures beyond the Report, for tests and benchmarks.
struct ExploreStats {
  std::uint64_t executions = 0;  // counted executions, before any budget cut
  std::uint64_t walked = 0;      // executions run by all jobs, with those walked through others' units
  std::uint64_t redundant = 0;   // counted executions that were sleep-set blocked (DPOR)
  std::uint64_t units = 0;       // units this run owned and entered
  std::uint64_t divergences = 0; // replays of a prefix that the body did not repeat
  std::uint64_t kept = 0;        // findings the jobs held when they ended: each once per job
  // Sum of a hash of every counted execution's schedule: runs that covered the same executions
  // have the same digest, and the digests of the shards of a search add up to the whole's.
  std::uint64_t digest = 0;
  // Executions counted in each unit this run entered, in unit order, before any budget cut: with
  // each failure's execution, where in the whole search it lies (how `interleave merge` lays
  // the shards of a search out again).
  std::vector<std::pair<std::uint64_t, std::uint64_t>> unit_sizes;
};

using StrategyFactory = std::function<std::unique_ptr<SlicedStrategy>(Slice)>;

// What a strategy observes (Strategy::observer(), DPOR's trace) watches every execution it steers.
// More than one job with `run.observers` throws std::invalid_argument.
Report explore_slices(const std::function<void()>& body, const StrategyFactory& make, const ExploreRun& run,
                      ExploreStats* stats = nullptr);

}  // namespace sim
