// WakeupTree: the sequences of steps DPOR still has to run from one node.
//
// How this works (Abdulla, Aronis, Jonsson & Sagonas, "Optimal Dynamic Partial Order
// Reduction", POPL 2014, section 6): the wake-up tree of a node is an ordered tree of steps;
// the path to each leaf is a sequence that reverses a race found below the node, to be run
// from the node in its turn. A task p is a weak initial of a sequence w when w (or an
// extension of it) can start with p's step: either p's first step in w has nothing before it
// in w that it depends on, or p has no step in w and its next step depends on none of w.
// Inserting w walks down from the root taking, at each level, the first child whose task is a
// weak initial of what is left of w (removing that task's first step from w if it has one);
// reaching a leaf, or using w up, means a sequence already there covers w. Otherwise the rest
// of w becomes a new branch after the existing ones. Before inserting, the caller checks that
// no task asleep at the node is a weak initial of w: that class of executions was run already.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "sim/explore/dpor_trace.hpp"

namespace sim {

struct WakeupNode;
using WakeupForest = std::vector<WakeupNode>;
// A subtree is shared, not copied, between the node that stores a branch and the cursor that
// follows it through an execution (a deep copy per execution was most of DPOR's time); insert
// copies a shared level before changing it.
using WakeupBranches = std::shared_ptr<WakeupForest>;
struct WakeupNode {
  StepSig step;
  WakeupBranches children;  // null or empty: a leaf
  bool leaf() const { return !children || children->empty(); }
};

// Steps of the execution being settled, in execution order, to insert into a wake-up tree.
class WakeupSequence {
 public:
  WakeupSequence(const DporTrace& trace, std::vector<std::uint32_t> steps)
      : trace_(trace), steps_(std::move(steps)) {}

  enum class Weak : std::uint8_t { No, Initial, Independent };
  // Whether the task of `step` is a weak initial of this sequence; for Initial, `at` is the
  // position of that task's first step here.
  Weak weak_initial(const StepSig& step, std::size_t& at) const;
  bool empty() const { return steps_.empty(); }
  const StepSig& sig(std::size_t at) const { return trace_.step(steps_[at]).sig; }
  void erase(std::size_t at) { steps_.erase(steps_.begin() + static_cast<std::ptrdiff_t>(at)); }
  std::size_t size() const { return steps_.size(); }

 private:
  const DporTrace& trace_;
  std::vector<std::uint32_t> steps_;
};

// Whether some task asleep at the node is a weak initial of `w`.
bool covered_by_sleep(const WakeupSequence& w, const std::vector<StepSig>& sleep);

// Insert `w` into the tree at a node; false when it was already covered.
bool insert(WakeupForest& forest, WakeupSequence w);

// Whether two branches hold the same steps in the same shape.
bool same_branch(const WakeupNode& a, const WakeupNode& b);

}  // namespace sim
