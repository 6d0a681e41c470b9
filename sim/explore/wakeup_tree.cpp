// WakeupTree: weak initials and insertion.
#include "sim/explore/wakeup_tree.hpp"

#include <atomic>

namespace sim {

WakeupSequence::Weak WakeupSequence::weak_initial(const StepSig& step, std::size_t& at) const {
  for (std::size_t i = 0; i < steps_.size(); ++i) {
    const TraceStep& x = trace_.step(steps_[i]);
    if (x.sig.task != step.task) continue;
    // The task's first step here: initial if nothing before it in the sequence precedes it.
    for (std::size_t j = 0; j < i; ++j) {
      if (x.after(trace_.step(steps_[j]))) return Weak::No;
    }
    at = i;
    return Weak::Initial;
  }
  for (std::uint32_t s : steps_) {
    if (dependent(step, trace_.step(s).sig)) return Weak::No;
  }
  return Weak::Independent;
}

bool covered_by_sleep(const WakeupSequence& w, const std::vector<StepSig>& sleep) {
  std::size_t at = 0;
  for (const StepSig& asleep : sleep) {
    if (w.weak_initial(asleep, at) != WakeupSequence::Weak::No) return true;
  }
  return false;
}

bool insert(WakeupForest& forest, WakeupSequence w) {
  WakeupForest* level = &forest;
  for (;;) {
    if (w.empty()) return false;
    WakeupNode* next = nullptr;
    for (WakeupNode& child : *level) {
      std::size_t at = 0;
      const WakeupSequence::Weak weak = w.weak_initial(child.step, at);
      if (weak == WakeupSequence::Weak::No) continue;
      // The same task may have a different step here (another value of a data choice).
      if (weak == WakeupSequence::Weak::Initial && !w.sig(at).same_step(child.step)) continue;
      if (child.leaf()) return false;
      if (weak == WakeupSequence::Weak::Initial) w.erase(at);
      next = &child;
      break;
    }
    if (next == nullptr) break;
    // Shared (with a ticket run ahead on another thread, or a cursor): copied before it changes.
    // Not shared: the acquire pairs with the release of the last other owner letting go.
    if (next->children.use_count() > 1) {
      next->children = std::make_shared<WakeupForest>(*next->children);
    } else {
      std::atomic_thread_fence(std::memory_order_acquire);
    }
    level = next->children.get();
  }
  // A new branch: the rest of w as a chain.
  for (std::size_t i = 0; i < w.size(); ++i) {
    level->push_back(WakeupNode{w.sig(i), nullptr});
    if (i + 1 == w.size()) break;
    level->back().children = std::make_shared<WakeupForest>();
    level = level->back().children.get();
  }
  return true;
}

bool same_branch(const WakeupNode& a, const WakeupNode& b) {
  if (!(a.step == b.step) || a.leaf() != b.leaf()) return false;
  if (a.leaf()) return true;
  const WakeupForest &x = *a.children, &y = *b.children;
  if (x.size() != y.size()) return false;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (!same_branch(x[i], y[i])) return false;
  }
  return true;
}

}  // namespace sim
