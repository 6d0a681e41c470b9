// StateSearch: the depth-first walk with replay, and the remembered states.
#include "sim/explore/state_strategy.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "sim/core/execution.hpp"
#include "sim/explore/divergence.hpp"

namespace sim {

StateSearch::StateSearch(Slice slice, StateStore store) : slice_(slice), store_(store) {
  if (store.bitstate > 0) bits_.assign((std::size_t{1} << store.bitstate) / 64 + 1, 0);
}

bool StateSearch::keep(StateHash hash) {
  if (store_.bitstate == 0) {
    if (!visited_.insert(hash).second) return false;
  } else {
    // Three bits from two hashes (Kirsch and Mitzenmacher): new if any of them was clear.
    const std::uint64_t mask = (std::uint64_t{1} << store_.bitstate) - 1;
    bool fresh = false;
    for (std::uint64_t i = 0; i < 3; ++i) {
      const std::uint64_t bit = (hash.first + i * (hash.second | 1)) & mask;
      std::uint64_t& word = bits_[bit / 64];
      const std::uint64_t m = std::uint64_t{1} << (bit % 64);
      fresh = fresh || (word & m) == 0;
      word |= m;
    }
    if (!fresh) return false;
  }
  ++stored_;
  return true;
}

bool StateSearch::begin_execution() {
  if (!started_) {
    started_ = true;
    // One unit, always job 0's (so the report names the same search for any --jobs): the
    // remembered states are one search's. The other jobs have nothing to do, and are done.
    owned_ = slice_.owns(0);
    at_unit(0, owned_);
    done_ = !owned_;
    return owned_;
  }
  depth_ = 0;
  return !done_ && !full_ && !diverged_.gave_up();
}

StateSearch::Node StateSearch::task_node(std::span<const TaskId> runnable, TaskId current) const {
  Node n;
  n.count = static_cast<std::uint32_t>(runnable.size());
  n.order.assign(runnable.begin(), runnable.end());
  // The running task first: fewer switches make shorter stories.
  auto it = std::find(n.order.begin(), n.order.end(), current);
  if (it != n.order.end()) std::rotate(n.order.begin(), it, it + 1);
  return n;
}

// The recorded choice at depth d still applies; on a divergence the tree below d is dropped.
bool StateSearch::replaying(std::size_t d, std::span<const TaskId> runnable, std::uint32_t bound, bool value) {
  if (d >= replay_) return false;
  const Node& n = stack_[d];
  if (value ? n.value && (n.count == bound || n.count == 1)
            : !n.value && n.count == runnable.size() && std::is_permutation(n.order.begin(), n.order.end(), runnable.begin())) {
    return true;
  }
  diverged_.note(n.value != value ? changed_kind(d, value) : value ? changed_value(d, n.count, bound) : changed_runnable(d, n.order, runnable));
  stack_.resize(d);
  path_.truncate(d);
  replay_ = d;
  return false;
}

bool StateSearch::prune(std::span<const TaskId> runnable) {
  if (depth_ < replay_ || !captured_ || full_) return false;
  Execution* e = Execution::current();
  const std::optional<StateHash> h = hash_state(*e, words_, &uncaptured_);
  if (!h) {
    captured_ = false;
    return false;
  }
  if (const std::size_t from = path_.find(*h); from != CycleWatch::none) {
    if (path_.fair(from)) {
      path_.report(*e, from);
      return true;
    }
    ++unfair_;
  }
  if (store_.max_states > 0 && stored_ >= store_.max_states) {
    // Full: this execution runs to its end unremembered, and the search ends after it.
    full_ = true;
    return false;
  }
  if (!keep(*h)) return true;
  path_.arrive(depth_, *h, runnable, e->events());
  return false;
}

TaskId StateSearch::next_task(std::span<const TaskId> runnable, TaskId current) {
  const std::size_t d = depth_++;
  if (replaying(d, runnable, 0, false)) {
    const Node& n = stack_[d];
    path_.chose(d, n.order[n.at]);
    return n.order[n.at];
  }
  stack_.push_back(task_node(runnable, current));
  path_.chose(d, stack_.back().order[0]);
  return stack_.back().order[0];
}

std::uint32_t StateSearch::next_value(std::uint32_t bound) {
  const std::size_t d = depth_++;
  if (replaying(d, {}, bound, true)) return stack_[d].at;
  Node n;
  n.value = true;
  n.count = bound;
  // A wait deciding whether to wake up without a notify: as DfsStrategy without a budget for
  // them, only by a notify (spurious wake-ups would let every wait loop run forever).
  const Execution* e = Execution::current();
  if (e != nullptr && e->pending(e->current_task()).kind == OpKind::Wait) n.count = 1;
  stack_.push_back(n);
  return 0;
}

void StateSearch::end_execution() {
  while (!stack_.empty()) {
    Node& n = stack_.back();
    if (n.at + 1 < n.count) {
      ++n.at;
      replay_ = stack_.size();
      path_.truncate(stack_.size());
      return;
    }
    stack_.pop_back();
  }
  path_.truncate(0);
  done_ = true;
}

std::vector<Gap> StateSearch::gaps() const {
  std::vector<Gap> out;
  if (diverged_.count > 0) out.push_back(Gap{GapKind::Divergence, diverged_.count, diverged_.first});
  if (full_) out.push_back(Gap{GapKind::StateStore, stored_, {}});
  if (unfair_ > 0) out.push_back(Gap{GapKind::UnfairCycles, unfair_, {}});
  if (store_.bitstate > 0) {
    // After n states in m bits, a new state finds its three bits set with probability
    // (1 - e^(-3n/m))^3; it was lower for every state before.
    const double m = std::ldexp(1.0, static_cast<int>(store_.bitstate));
    const double p = std::pow(1 - std::exp(-3.0 * static_cast<double>(stored_) / m), 3);
    out.push_back(Gap{GapKind::Bitstate, stored_,
                      fmt::format("2^{} bits; the chance that a new state was taken for one seen was at most {:.2g}, at the end", store_.bitstate, p)});
  }
  return out;
}

double StateSearch::progress() const {
  double done = 0;
  double weight = 1;
  for (const Node& n : stack_) {
    done += weight * n.at / n.count;
    weight /= n.count;
  }
  return done;
}

std::string StateSearch::describe() const {
  if (!captured_) return "states (none remembered: " + uncaptured_ + "; every interleaving, depth first)";
  std::string text = "states";
  if (store_.bitstate > 0) text += " bitstate=2^" + std::to_string(store_.bitstate);
  if (store_.max_states > 0) text += " max-states=" + std::to_string(store_.max_states);
  return text;
}

}  // namespace sim
