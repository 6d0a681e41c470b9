// CycleWatch: the states one execution passed through at its choices, to see it come back to one.
//
// An execution that reaches, at a choice, a state it was in at an earlier choice has gone round
// a cycle: the same steps can follow again, forever. Whether that is a bug is a question of
// fairness. If some task could run at every choice of the cycle and never took a step in it,
// only a scheduler that keeps passing it over follows the cycle; the other options are explored
// from the same states anyway. If every task that could run throughout took a step, a fair
// scheduler may repeat the cycle forever while no task finishes: a livelock (two tasks that keep
// stepping aside for each other), which the spin-loop rule cannot see because the loops write.
//
// The check is sound for symmetric threads too (a state is then a class of states that differ
// by a permutation of interchangeable threads): the concrete steps of the cycle, repeated as
// often as the permutation's order, come back to the very same state, and each repetition lets
// every task that could run throughout take a step. It looks at cycles one execution closes;
// a fair cycle that only several closed cycles together make is not looked for (docs/verify.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "sim/core/ids.hpp"

namespace sim {

class Execution;

using StateHash = std::pair<std::uint64_t, std::uint64_t>;

// 128 bits over a state's words (two independent lanes, each finished by an avalanche).
StateHash hash_words(const std::vector<std::uint64_t>& words);

// The hash of `e`'s state as its front end describes it (Execution::state_source), using `words`
// as scratch; nothing when no front end can describe it, with the reason in `why` if given.
std::optional<StateHash> hash_state(const Execution& e, std::vector<std::uint64_t>& words, std::string* why = nullptr);

class CycleWatch {
 public:
  static constexpr std::size_t none = static_cast<std::size_t>(-1);

  // The execution is at its choice number `depth`, in state `h`, with `runnable` able to run.
  void arrive(std::size_t depth, StateHash h, std::span<const TaskId> runnable, std::uint32_t steps);
  // The point where this execution was in state `h` before, or none.
  std::size_t find(StateHash h) const;
  // The task taken at choice `depth` (if a point was kept there).
  void chose(std::size_t depth, TaskId t);
  // Forgets the points at choice `depth` and later (the search backtracked).
  void truncate(std::size_t depth);
  // Whether the steps from point `from` to now are a cycle a fair schedule can follow forever.
  bool fair(std::size_t from) const;
  // Ends `e` with the Livelock finding that tells the cycle from point `from`.
  void report(Execution& e, std::size_t from) const;

 private:
  struct Hash {
    std::size_t operator()(const StateHash& k) const { return k.first; }
  };
  struct Point {
    StateHash hash;
    std::size_t depth = 0;
    std::uint32_t steps = 0;   // steps taken before it
    std::uint32_t first = 0;   // its runnable tasks: runnable_[first, first + count)
    std::uint32_t count = 0;
    TaskId chosen = no_task;
  };
  std::span<const TaskId> runnable(const Point& p) const { return {runnable_.data() + p.first, p.count}; }

  std::vector<Point> points_;
  std::vector<TaskId> runnable_;
  std::unordered_map<StateHash, std::size_t, Hash> at_;
};

}  // namespace sim
