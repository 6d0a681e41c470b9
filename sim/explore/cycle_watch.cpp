// CycleWatch: the path's states, the fairness of a cycle, and the hash of a state.
#include "sim/explore/cycle_watch.hpp"

#include <algorithm>
#include <bit>

#include "sim/core/execution.hpp"
#include "sim/core/state_source.hpp"

namespace sim {

namespace {

// MurmurHash3's 64-bit finaliser: every input bit reaches every output bit.
std::uint64_t fmix(std::uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  return h ^ (h >> 33);
}

bool has(std::span<const TaskId> tasks, TaskId t) { return std::find(tasks.begin(), tasks.end(), t) != tasks.end(); }

}  // namespace

StateHash hash_words(const std::vector<std::uint64_t>& words) {
  std::uint64_t a = 0x9e3779b97f4a7c15ull ^ words.size();
  std::uint64_t b = 0xd6e8feb86659fd93ull + words.size();
  for (std::uint64_t w : words) {
    a = (std::rotl(a, 23) ^ fmix(w + 0x2545f4914f6cdd1dull)) * 0x9e3779b97f4a7c15ull;
    b = (std::rotl(b, 31) + fmix(w ^ 0x6a09e667f3bcc909ull)) * 0xbf58476d1ce4e5b9ull;
  }
  return {fmix(a), fmix(b ^ a)};
}

std::optional<StateHash> hash_state(const Execution& e, std::vector<std::uint64_t>& words, std::string* why) {
  StateSource* source = e.state_source();
  if (source == nullptr || !source->uncaptured().empty()) {
    if (why != nullptr) *why = source == nullptr ? "the program's state is not visible to the simulator (C++ code)" : source->uncaptured();
    return std::nullopt;
  }
  words.clear();
  source->state(e, words);
  return hash_words(words);
}

void CycleWatch::arrive(std::size_t depth, StateHash h, std::span<const TaskId> runnable, std::uint32_t steps) {
  // A state met twice on one path is a cycle, and the execution ends there: each is kept once.
  at_.emplace(h, points_.size());
  points_.push_back(Point{h, depth, steps, static_cast<std::uint32_t>(runnable_.size()), static_cast<std::uint32_t>(runnable.size()), no_task});
  runnable_.insert(runnable_.end(), runnable.begin(), runnable.end());
}

std::size_t CycleWatch::find(StateHash h) const {
  const auto it = at_.find(h);
  return it == at_.end() ? none : it->second;
}

void CycleWatch::chose(std::size_t depth, TaskId t) {
  // The points are in the order of their choices: the one at `depth` is found by bisection.
  const auto it = std::lower_bound(points_.begin(), points_.end(), depth, [](const Point& p, std::size_t d) { return p.depth < d; });
  if (it != points_.end() && it->depth == depth) it->chosen = t;
}

void CycleWatch::truncate(std::size_t depth) {
  while (!points_.empty() && points_.back().depth >= depth) {
    at_.erase(points_.back().hash);
    runnable_.resize(points_.back().first);
    points_.pop_back();
  }
}

bool CycleWatch::fair(std::size_t from) const {
  // Unfair when a task could run at every choice of the cycle and was never taken.
  for (TaskId t : runnable(points_[from])) {
    bool passed_over = true;
    for (std::size_t i = from; i < points_.size() && passed_over; ++i) {
      passed_over = points_[i].chosen != t && has(runnable(points_[i]), t);
    }
    if (passed_over) return false;
  }
  return true;
}

void CycleWatch::report(Execution& e, std::size_t from) const {
  std::vector<TaskId> stepping;
  for (std::size_t i = from; i < points_.size(); ++i) {
    if (!has(stepping, points_[i].chosen)) stepping.push_back(points_[i].chosen);
  }
  e.record_cycle(points_[from].steps, stepping);
}

}  // namespace sim
