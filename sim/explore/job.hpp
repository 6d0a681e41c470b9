// Job: one OS thread's share of a search - the exploration loop itself, for any strategy.
//
// A job runs executions of its slice one after another on one Execution. Between two clean
// executions it does its bookkeeping (count, keep what the checkers found, ask the strategy for
// the next) as the Execution's Continuation, on the fiber that ended the last one: a run of
// clean executions never goes back to the thread's own stack, which saves two fiber switches
// per execution. Findings are kept as they arrive, once per place (a run that finds the same
// race a million times keeps it once, from the first execution that showed it).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include "sim/core/execution.hpp"
#include "sim/explore/board.hpp"

namespace sim {

struct ExploreRun;
class JobWatch;
class ProgressPrinter;
class SlicedStrategy;

struct Found {
  Place place;
  Failure failure;
  bool names_execution = false;
};

// What one job did.
struct JobResult {
  std::map<std::uint64_t, std::uint64_t> units;  // executions counted per unit
  std::vector<Found> found;                      // one per place (kind and source places)
  bool exhausted = false;  // the slice was walked to its end
  bool complete = false;   // ... and the strategy says it covered its space
  bool interrupted = false;
  bool out_of_time = false;
  std::uint64_t walked = 0, redundant = 0, digest = 0, states = 0;
  std::uint64_t sequential = 0;  // counted executions that ran weaker atomic orders sequentially consistently
};

class Job final : public Continuation {
 public:
  struct Setup {
    std::uint32_t number = 0;
    JobWatch* watch = nullptr;             // the checkers of this job, if any
    ProgressPrinter* printer = nullptr;    // the job that draws the progress line
    bool digest = false;                   // hash every counted execution's schedule (ExploreStats)
  };
  Job(const std::function<void()>& body, SlicedStrategy& strategy, const ExploreRun& run, Board& board, Setup setup);

  JobResult run(Execution& exec);
  bool again() override;

 private:
  bool next();
  [[gnu::noinline]] bool stop_or_draw();
  [[gnu::noinline]] bool exhausted();
  [[gnu::noinline]] void enter_unit();
  [[gnu::noinline]] bool past_failure();
  [[gnu::noinline]] void enter_watch();
  void after(Failure* failure);  // null: the execution ended cleanly
  void after_all(Failure* failure);
  void keep(Failure f);
  void report();

  const std::function<void()>& body_;
  SlicedStrategy& strategy_;
  const ExploreRun& run_;
  Board& board_;
  Setup setup_;
  Execution* exec_ = nullptr;
  Strategy* chooser_ = nullptr;     // what chooses in the current execution (SlicedStrategy::chooser)
  std::vector<Observer*> plain_;    // for executions another slice counts
  std::vector<Observer*> watched_;  // for counted ones: the checkers and the caller's observers too
  JobResult out_;
  std::vector<Failure> findings_;
  // Places of what was kept: kind, then the two source places in order.
  std::set<std::tuple<int, std::string, std::uint32_t, std::string, std::uint32_t>> seen_;
  Place at_{~std::uint64_t{0}, 0};
  std::uint64_t before_ = 0;      // counted executions known in units before at_.unit
  std::uint64_t budget_ = ~std::uint64_t{0};  // at_.local at which the iteration budget is spent
  std::uint64_t unreported_ = 0;  // executions in at_.unit not yet on the board
  std::uint64_t n_ = 0;           // executions begun
  bool counted_ = false;          // the current execution is in this slice
  bool checked_ = false;          // ... and watched
  bool running_checked_ = false;  // the observers the running chain of executions has
  bool watching_ = false;         // there are observers besides the strategy's
  bool model_ = false;            // the memory model is on (a watching checker keeps happens-before)
  bool stop_at_failure_ = false;  // OnFailure::Stop
  bool pending_ = false;          // again() began an execution the loop must run
};

}  // namespace sim
