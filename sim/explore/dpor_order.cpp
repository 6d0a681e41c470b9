// DporStrategy, moving on after an execution: depth first, or in the random order.
//
// The random order branches anywhere on the path, for searches with a budget. Depth first, a
// budgeted search spends its budget in the subtree of its first choices: with ten threads writing a
// variable and a reader that fails only if it reads first, every order of the writers comes before
// the reader is tried first. In the random order, after each execution the next branch is taken at
// a node drawn uniformly from the nodes on the path that have a branch left (the deepest such node
// is always among them). Drawing a node above the deepest leaves the subtree below it unfinished:
// its task goes to sleep at the node as if its branch had been run to its end, so the search still
// never runs two equivalent executions and always ends, but what that subtree still held is not
// explored. Each such subtree is counted and reported (GapKind::Skipped), so a random-order search
// that skipped anything never reads as complete; depth first is the order that proves a body
// correct. A search with a budget does not end when a pass over the tree does: the next pass starts
// from the root and, drawing other nodes, runs other subtrees (and some it ran before); a pass that
// skips nothing has run every class, and then the search is complete after all.
//
// Why not keep the skipped subtrees and come back to them: in optimal DPOR a branch relies on the
// wake-up sequences its earlier siblings found before it started (they guide it to the classes it
// alone is to run). A branch left unfinished while a later sibling runs would need every sequence
// that sibling finds for it delivered into its parked subtree, through its value choices; sleeping
// it at once instead loses classes (measured: such a search ran 30 of the 36 traces of three
// unlocked increments), and leaving it awake runs them again without end.
#include "sim/explore/dpor_strategy.hpp"

namespace sim {

void DporStrategy::end_execution() {
  // A unit of another slice was entered only to find the units after it: skip the rest of it.
  if (!units_.owned()) stack_.resize(units_depth());
  if (backtrack() && options_.order == SearchOrder::Random) jump();
  if (done_) next_pass();
}

// Move to the deepest node with a branch left and take it; false when none is left (the end).
bool DporStrategy::backtrack() {
  while (!stack_.empty()) {
    Node& n = stack_.back();
    close(n);
    if (take_next(n)) {
      replay_ = stack_.size();
      branch_ = replay_ - 1;
      return true;
    }
    stack_.pop_back();
  }
  done_ = true;
  return false;
}

// The branch taken at a task node is finished: its task sleeps there from now on.
// Not above the split: a branch there is a unit of its own, explored as if its siblings did
// not exist (a sibling's step asleep in it would stand in for wake-up sequences that only
// the sibling's unit learns, and traces would be lost).
void DporStrategy::close(Node& n) {
  if (n.value) return;
  if (n.ran && !n.full) n.sleep.push_back(n.chosen_step);
  ++n.explored;
  n.ran = n.has_edge = n.empty = false;
  n.passed.reset();
}

// The node's next branch, if it has one left.
bool DporStrategy::take_next(Node& n) {
  if (n.value) {
    if (n.tried >= n.count) return false;
    ++n.tried;
    return true;
  }
  if (!n.full) return next_branch(n);
  while (!n.todo.empty()) {
    n.chosen = n.todo.front();
    n.todo.erase(n.todo.begin());
    if (!asleep(n.sleep, n.chosen)) return true;
  }
  return false;
}

// Whether the node has a branch left to take (take_next may still find that a wake-up branch's
// task cannot run here).
bool DporStrategy::has_next(const Node& n) const {
  if (n.value) return n.tried < n.count;
  if (n.full) return !n.todo.empty();
  return !n.pending.empty() || (n.every && first_awake(n) != no_task);
}

// After backtrack() has taken a branch at the deepest node that had one, draw the node the
// next execution branches at.
void DporStrategy::jump() {
  const std::size_t bottom = stack_.size() - 1;
  candidates_.clear();
  for (std::size_t d = 0; d < bottom; ++d) {
    if (has_next(stack_[d])) candidates_.push_back(d);
  }
  candidates_.push_back(bottom);
  const std::size_t d = candidates_[rng_.below(static_cast<std::uint32_t>(candidates_.size()))];
  if (d == bottom) return;
  ++skipped_;
  ++skipped_in_pass_;
  stack_.resize(d + 1);
  backtrack();  // (its branch, from node d on, as if everything below it had been run)
}

// The tree is done but the pass skipped some of it: start another from the root, which draws
// other nodes and so runs other subtrees (and again some it ran before).
void DporStrategy::next_pass() {
  if (!options_.passes || skipped_in_pass_ == 0) return;
  skipped_in_pass_ = 0;
  done_ = false;
  stack_.resize(0);
  replay_ = branch_ = 0;
}

}  // namespace sim
