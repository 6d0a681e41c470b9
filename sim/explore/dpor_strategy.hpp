// DporStrategy: exhaustive search that runs one execution per class of equivalent executions.
//
// How this works: optimal dynamic partial-order reduction with sleep sets and wake-up trees
// (Abdulla, Aronis, Jonsson & Sagonas, "Optimal Dynamic Partial Order Reduction", POPL 2014;
// "Source Sets", JACM 2017), on the steps, dependence and races of dpor_trace.hpp. Two
// executions are equivalent (the same Mazurkiewicz trace) when one can be turned into the
// other by swapping adjacent independent steps: they reach the same state and fail the same
// way. Like DfsStrategy it keeps the path of choice nodes of the last execution and moves to
// the deepest node with something left to run; but a node runs only what its wake-up tree
// holds. When an execution ends, each race it contains is reversed: the steps that let the
// later step run before the earlier one are inserted into the wake-up tree of the node where
// the earlier step was chosen, unless a task asleep there already covers them. Each node's
// sleep set holds the tasks whose branch from it was run, with the step they took; a sleeping
// task wakes when a step dependent on its own runs. A node with no wake-up tree takes an
// unstarted task first (starting a task commutes with everything), else the first task not
// asleep. So every class is run exactly once; an execution in which every task that can go
// on is asleep ("sleep-set blocked") is redundant - optimal DPOR never meets one, and here it
// only can above the split depth.
//
// Data choices (which waiter a notify wakes, a spurious wake-up) are all explored; a step
// recorded in a wake-up tree remembers its choices and takes them first. At most `spurious`
// spurious wake-ups are explored per execution. The top `split_depth` branching nodes branch
// on every task, without wake-up trees or sleep sets, so the subtrees under them are
// independent units for jobs and shards (see sliced_strategy.hpp), each a complete search
// from its state; a trace reachable from several of them is run in each (lastzero(10):
// 19,968 executions for 3,328 traces at split 1). split_depth 0 is the one-unit, optimal
// search. A node above the split that only starts a task has one branch and does not count
// toward the depth, so a body that starts many tasks before they interact still splits.
//
// Speculation (dpor_speculation.cpp): the first execution of a branch the search will take
// later can be run ahead, by another DporStrategy on another Execution, and adopted when the
// search gets there - if what it ran from is still what the search would run from.
//
// The order of the search: depth first, or (SearchOrder::Random, for searches with a budget) a
// seeded order that branches anywhere on the path, so a bug that needs an early choice
// reversed is not starved by the subtrees below the first one; see dpor_order.cpp.
#pragma once

#include <cstdint>
#include <string>
#include <span>
#include <utility>
#include <vector>

#include "sim/explore/dpor_trace.hpp"
#include "sim/core/observer.hpp"
#include "sim/core/reuse_stack.hpp"
#include "sim/core/rng.hpp"
#include "sim/explore/sliced_strategy.hpp"
#include "sim/explore/wakeup_tree.hpp"

namespace sim {

struct DporOptions {
  std::uint32_t spurious = 0;     // spurious wake-ups explored per execution
  std::uint32_t split_depth = 0;  // choice nodes above the units (0: one unit; Random needs 0)
  Slice slice{};
  SearchOrder order = SearchOrder::DepthFirst;
  std::uint64_t seed = 1;  // of the random order
  // Random: a pass over the tree that skipped subtrees is followed by another, until one skips
  // nothing (so a search with a budget spends it); otherwise the search ends after one pass.
  bool passes = false;
};

class DporStrategy final : public SlicedStrategy, public Observer {
 public:
  explicit DporStrategy(DporOptions options = {})
      : options_(options), units_(options.split_depth, options.slice), rng_(options.seed) {}

  bool begin_execution() override;
  TaskId next_task(std::span<const TaskId> runnable, TaskId current) override;
  std::uint32_t next_value(std::uint32_t bound) override;
  void end_execution() override;
  bool complete() const override {
    return done_ && diverged_.count == 0 && mispredicted_.count == 0 && unreversed_ == 0 && skipped_in_pass_ == 0;
  }
  std::vector<Gap> gaps() const override;
  std::string describe() const override;
  Observer* observer() override { return this; }

  double progress() const override;
  std::uint64_t divergences() const override { return diverged_.count + mispredicted_.count; }
  std::uint64_t unreversed() const { return unreversed_; }
  std::uint64_t skipped() const { return skipped_; }

  void on_begin(const Execution& exec) override;
  void on_event(const Execution& exec, const Event& event) override;
  void on_end(const Execution& exec, const Failure* failure) override;
  bool unchanged_by(const Execution& exec, TaskId task, ObjectId object, OpKind kind) const override;

 private:
  struct Node;

 public:
  // A branch by its node and place there, as tickets and runs ahead name it.
  struct BranchKey {
    std::uint64_t serial = 0;     // the node's (every node the search makes is numbered)
    std::uint32_t explored = 0;   // the node's count of finished branches when the search takes it
    bool operator==(const BranchKey&) const = default;
  };
  // A branch to run ahead: the choices down to the node it leaves, and what that node will hold
  // when the search takes it (the sleep set its earlier siblings leave, the branch's wake-up
  // steps: shared, not copied - the search copies a shared level before it changes it).
  struct Ticket {
    BranchKey key;
    struct Choice {
      bool value = false;
      std::uint32_t count = 1, tried = 1, first = 0;  // a value node's (see Node)
      bool spurious = false;
      TaskId chosen = no_task;     // a task node's
      std::uint32_t runnable = 0;  // its runnable tasks end here in `runnable`
    };
    std::vector<Choice> path;  // nodes 0..depth, as the run ahead replays them
    std::vector<TaskId> runnable;
    std::vector<StepSig> sleep;
    WakeupNode edge;
  };
  // What running a ticket ahead left: the nodes below its branch, and the races found with steps
  // chosen at or above its node, to be reversed by the search that adopts it (those nodes have
  // moved on since). Recycled: a Speculated adopted before lends its storage to the next.
  struct Speculated {
    BranchKey key;
    std::size_t depth = 0;
    std::vector<StepSig> sleep;  // what the ticket predicted for that node
    WakeupNode edge;
    bool usable = false;  // not blocked, no divergence or misprediction, the branch's step did something
    StepSig chosen_step;  // the branch's first step as it ran
    std::vector<Node> below;
    std::size_t count = 0;  // of below
    DporTrace trace;
    std::vector<Race> races;
    std::uint64_t unreversed = 0;
    std::string first_unreversed;
  };
  // The search: make every later run ahead name steps as this one does (before any runs).
  void share_names(DporStrategy& ahead) { ahead.trace_.names().share(trace_.names()); }
  // The search, after begin_execution: the next branch worth running ahead (the first one left at
  // the deepest node that has one) other than those `out` (given already), into `t`; or false.
  bool plan(Ticket& t, std::span<const BranchKey> out = {}) const;
  // The one running ahead: the next execution is the ticket's; after it, what it left.
  void load(const Ticket& t);
  void take(Speculated& out);
  // The search, after begin_execution: take `s` as the execution it was about to run (true), or
  // not (false: it no longer is that execution; run it). After true, end_execution as usual.
  bool adopt(Speculated& s);
  // Whether the search has gone past `s`'s branch without adopting it.
  bool passed(const Speculated& s) const { return passed(s.key, s.depth); }
  bool passed(BranchKey key, std::size_t depth) const;

 private:
  struct Node {
    bool value = false;
    // A value node: values are tried `first` first, then the others in order.
    std::uint32_t count = 1;
    std::uint32_t tried = 1;
    std::uint32_t first = 0;
    bool spurious = false;
    // A task node.
    std::vector<TaskId> runnable;
    TaskId chosen = no_task;
    bool has_edge = false;         // the chosen branch came from the wake-up tree ...
    WakeupNode edge;               // ... as this step and what follows it
    bool empty = false;            // the chosen step did nothing (a task's start) ...
    WakeupBranches passed;         // ... so the wake-up tree went on to the next node
    bool ran = false;
    StepSig chosen_step;           // the chosen step as it ran
    std::uint32_t explored = 0;    // branches finished here
    WakeupForest pending;          // branches still to run from here
    std::vector<StepSig> sleep;    // asleep here: inherited, then each finished branch
    bool above = false;            // above the split: its branches start new units
    std::uint32_t level = 0;       // branching nodes above the split before this one
    bool full = false;             // a task node above the split: every task not asleep is a branch
    bool start = false;            // ... or only the start of a task (it commutes with everything)
    bool every = false;            // a step here raced on a coarse object: after the wake-up tree, every task not asleep
    std::vector<TaskId> todo;      // ... those still to run
    std::uint64_t serial = 0;      // this node's number among the nodes this search made (speculation)

    void reset();  // a fresh node that keeps its vectors' storage (see reuse_stack.hpp)
  };

  void settle();
  void reverse(const Race& race);
  void chosen_ran(Node& n, const TraceStep& ran);
  void nothing_ran(Node& n);
  void forced_ran(std::uint32_t at, const TraceStep& ran);
  TaskId choose(Node& n);
  bool next_branch(Node& n);
  bool asleep(const std::vector<StepSig>& sleep, TaskId t) const;
  TaskId first_awake(const Node& n) const;  // the first task of the node not asleep there, or no_task
  // The task among `runnable`, not asleep in `sleep`, that runs the wake-up step `step`, or no_task.
  TaskId task_for(const std::vector<TaskId>& runnable, const std::vector<StepSig>& sleep, const StepSig& step) const;
  bool unstarted(TaskId t) const;
  const StepSig* expected(TaskId t) const;
  std::uint32_t value_of(const Node& n) const;
  void place(std::size_t d);
  std::size_t units_depth() const;
  // Moving on (end_execution): the branch a node ran is finished; its next one, if any.
  void close(Node& n);
  bool take_next(Node& n);
  bool backtrack();
  // The random order (dpor_order.cpp).
  bool has_next(const Node& n) const;
  void jump();
  void next_pass();

  DporOptions options_;
  TreeUnits units_;
  Rng rng_;
  std::vector<std::size_t> candidates_;  // the random order's nodes to draw from
  std::uint64_t skipped_ = 0;            // subtrees the random order left unfinished ...
  std::uint64_t skipped_in_pass_ = 0;    // ... in this pass over the tree
  DporTrace trace_;
  const Execution* exec_ = nullptr;
  ReuseStack<Node> stack_;
  std::size_t replay_ = 0;  // the first replay_ choices of an execution follow stack_
  std::size_t branch_ = 0;  // the node whose choice changed for this execution
  std::size_t depth_ = 0;   // choices made so far in this execution
  // Sleep set and wake-up tree after the steps run so far; kept up to date from the last task
  // node at or above the branch (what lies above is already stored in the nodes).
  std::size_t track_from_ = 0;
  bool tracking_ = false;
  std::int32_t pending_choice_ = -1;  // the node whose chosen step has not been seen yet
  std::uint32_t choice_stamp_ = 0;    // the Execution's announce count at that choice
  std::vector<StepSig> sleep_;
  WakeupBranches cursor_;  // shared with the node it came from: read only
  bool blocked_ = false;
  std::uint32_t block_step_ = ~0u;  // the first step of a blocked execution not searched
  std::uint32_t spurious_used_ = 0;
  std::vector<Race> races_;
  std::vector<Race> free_races_;  // Race::free, kept until the execution ends
  DivergenceLog diverged_;      // replayed choices that found another state: the body changed
  DivergenceLog mispredicted_;  // wake-up steps that did not run as the race reversal predicted
  std::string first_unreversed_;
  std::uint64_t unreversed_ = 0;  // races whose earlier step no node chose (see dpor_strategy.cpp)
  bool done_ = false;
  // Speculation: nodes made so far; when running a ticket ahead, its depth (races with steps
  // chosen there or above are kept for the adopting search) and the counts before it.
  std::uint64_t serials_ = 0;
  std::int64_t ahead_depth_ = -1;
  std::vector<Race> kept_races_;
  BranchKey ahead_key_;  // the ticket being run ahead (its node is at ahead_depth_)
  std::uint64_t ahead_divergences_ = 0, ahead_redundant_ = 0;
};

}  // namespace sim
