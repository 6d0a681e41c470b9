// StateSearch: every reachable state of the execution explored once, remembered by its hash.
//
// How this works: the choices of one execution form a path, as in DfsStrategy, but at each
// choice point the front end describes the whole state (Execution::state_source(), see
// sim/core/state_source.hpp) and the search remembers it. A state met again - by another
// order of the same steps, or after going round a loop - is not explored twice: prune() ends
// the execution there. Since what an execution can do from a state depends on the state alone,
// exploring each state's every option once covers every reachable state, so a failed
// assertion or a deadlock anywhere is found, and a search that ends is a proof. Backtracking
// replays the recorded prefix from the start (a state is restored by running the path to it:
// the interpreter's tasks live on fiber stacks that cannot be copied cheaply; docs/verify.md
// measures it).
// Before pruning, the search asks whether the execution was in the state earlier on its own
// path: then it has gone round a cycle, a livelock if a fair schedule can repeat it
// (cycle_watch.hpp), and otherwise counted as a gap (a fair cycle made of several such is not
// looked for).
//
// States are kept as 128-bit hashes (hash compaction): two different states with the same hash
// would hide the second, with probability about n^2 / 2^129 for n states (docs/verify.md).
// Data races need no more than the race detector watching every execution: if two conflicting
// plain accesses can run one right after the other from some state, then after the first the
// task that made it has taken no step since, so in every execution that reaches that next
// state nothing orders its access before the other task's, which every expansion of the state
// runs next in one of its branches: the detector sees the race wherever the state was first
// explored.
//
// Without a source (a C++ body, or a scenario using what the source does not capture) nothing
// is remembered and the search is DfsStrategy's; describe() says so.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "sim/core/gap.hpp"
#include "sim/explore/cycle_watch.hpp"
#include "sim/explore/sliced_strategy.hpp"

namespace sim {

class Execution;

// Where the states go: whole (128-bit hashes) up to `max_states` (0: no limit), or as bits.
struct StateStore {
  std::uint64_t max_states = 0;  // stop, saying so, once this many are kept
  // 0: whole. Else a table of 2^bitstate bits, each state setting three (a Bloom filter, as
  // SPIN's bitstate hashing): a few bits per state, at the price of states taken for others.
  std::uint32_t bitstate = 0;
};

class StateSearch final : public SlicedStrategy {
 public:
  StateSearch(Slice slice, StateStore store);

  bool begin_execution() override;
  TaskId next_task(std::span<const TaskId> runnable, TaskId current) override;
  std::uint32_t next_value(std::uint32_t bound) override;
  void end_execution() override;
  bool prunes() const override { return true; }
  bool prune(std::span<const TaskId> runnable) override;
  bool complete() const override { return done_ && diverged_.count == 0 && !full_ && store_.bitstate == 0 && unfair_ == 0; }
  std::vector<Gap> gaps() const override;
  std::string describe() const override;

  double progress() const override;
  std::uint64_t divergences() const override { return diverged_.count; }
  std::uint64_t states() const override { return stored_; }

 private:
  struct Node {
    std::vector<TaskId> order;  // task node: the runnable tasks in the order they are tried
    std::uint32_t count = 0;    // options
    std::uint32_t at = 0;       // the option taken
    bool value = false;
  };
  struct Hash {
    std::size_t operator()(const StateHash& k) const { return k.first; }
  };
  Node task_node(std::span<const TaskId> runnable, TaskId current) const;
  bool replaying(std::size_t d, std::span<const TaskId> runnable, std::uint32_t bound, bool value);
  // Keeps the state with this hash; false if it was kept before.
  bool keep(StateHash hash);

  Slice slice_;
  StateStore store_;
  std::uint64_t stored_ = 0;
  bool full_ = false;             // the store filled up: the search ends
  std::vector<std::uint64_t> bits_;  // the bitstate table
  bool owned_ = true;
  bool started_ = false;
  bool done_ = false;
  std::vector<Node> stack_;
  std::size_t replay_ = 0;  // the first replay_ choices of an execution follow stack_
  std::size_t depth_ = 0;   // choices made so far in this execution
  std::unordered_set<StateHash, Hash> visited_;
  CycleWatch path_;         // the states of this execution's path, for the cycles it closes
  std::uint64_t unfair_ = 0;  // cycles closed that a fair schedule would leave
  std::vector<std::uint64_t> words_;
  bool captured_ = true;    // the source described every state so far
  std::string uncaptured_;  // why not
  DivergenceLog diverged_;
};

}  // namespace sim
