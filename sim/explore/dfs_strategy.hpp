// DfsStrategy: exhaustive depth-first search over every choice, optionally bounded.
//
// How this works: the choices of one execution form a path in a tree whose nodes are choice
// points - which runnable task goes next, or which value a data choice takes. The strategy
// keeps the path of the last execution; the next one replays it up to the deepest node with
// an option not yet taken, takes that option, and takes the first option at every new node.
// When no node has an option left, the tree is covered and the search is complete. A task
// node tries the running task first (no switch), then the others by id.
//
// Bounded search keeps only the paths that spend at most `limit` preemptions - switches away
// from a task that could have gone on (Musuvathi & Qadeer, "Iterative Context Bounding for
// Systematic Testing of Multithreaded Programs", PLDI 2007) - or `limit` delays - departures
// from the round-robin order, each skipped task costing one (Emmi, Qadeer & Rakamaric,
// "Delay-Bounded Scheduling", POPL 2011). Iterative bounding searches with bound 0, then 1,
// ... up to `limit`, so the first failure found needs the fewest preemptions or delays (paths
// under a smaller bound are walked again under the larger ones).
//
// Spurious wake-ups are value choices; at most `spurious` of them are explored per execution
// (after that a wait is woken only by a notify), which keeps the tree finite.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/explore/sliced_strategy.hpp"

namespace sim {

enum class Bound : std::uint8_t { None, Preemptions, Delays };
enum class Bounding : std::uint8_t { Fixed, Iterative };

struct DfsOptions {
  Bound bound = Bound::None;
  std::uint32_t limit = 0;  // at most this many preemptions (or delays) per execution
  Bounding bounding = Bounding::Fixed;
  std::uint32_t spurious = 0;  // spurious wake-ups explored per execution
  std::uint32_t split_depth = 5;  // units are the subtrees under the first split_depth choices
  Slice slice{};
};

class DfsStrategy final : public SlicedStrategy {
 public:
  explicit DfsStrategy(DfsOptions options = {});

  bool begin_execution() override;
  TaskId next_task(std::span<const TaskId> runnable, TaskId current) override;
  std::uint32_t next_value(std::uint32_t bound) override;
  void end_execution() override;
  bool complete() const override { return done_ && diverged_.count == 0; }
  std::vector<Gap> gaps() const override;
  std::string describe() const override;

  double progress() const override;
  std::uint64_t divergences() const override { return diverged_.count; }

 private:
  struct Node {
    std::vector<TaskId> order;  // task node: the runnable tasks in the order they are tried
    std::uint32_t count = 0;    // options
    std::uint32_t at = 0;       // the option taken
    std::uint32_t spent = 0;    // preemptions or delays spent before this node
    bool value = false;
    bool spurious = false;      // a value node deciding a spurious wake-up
    bool switch_costs = false;  // task node: leaving the running task is a preemption
  };
  std::uint32_t cost(const Node& n, std::uint32_t option) const;
  bool allowed(const Node& n, std::uint32_t option) const { return n.spent + cost(n, option) <= bound_; }
  Node task_node(std::span<const TaskId> runnable, TaskId current) const;
  void take(std::size_t depth);
  bool backtrack();

  DfsOptions options_;
  std::uint32_t bound_;  // the bound in force (rises under iterative bounding)
  TreeUnits units_;
  std::vector<Node> stack_;
  std::size_t replay_ = 0;  // the first replay_ choices of an execution follow stack_
  std::size_t branch_ = 0;  // the depth of the choice that changed for this execution
  std::size_t depth_ = 0;   // choices made so far in this execution
  std::uint32_t spent_ = 0;
  std::uint32_t spurious_used_ = 0;
  DivergenceLog diverged_;
  bool done_ = false;
};

}  // namespace sim
