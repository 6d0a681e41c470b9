// SlicedStrategy: a strategy that explores one slice of a search, so jobs and shards can split it.
//
// A search is cut into numbered units, in the order a single run would take them: a block of
// seeds for the sampling strategies, a subtree under a short prefix of choices for the
// exhaustive ones. A slice owns some units (shard i of n, then within the shard job w of N,
// or whichever job takes the unit first); a sliced strategy still walks every unit in order,
// but only the executions in units it owns count. Which units exist and in what order never depends on the slice, so every job and
// every shard agrees on the numbering, and the slices of one search cover it exactly once.
#pragma once

#include <atomic>
#include <cstdint>

#include "sim/core/strategy.hpp"

namespace sim {

struct Slice {
  std::uint32_t shard = 0;   // this shard, of `shards`: a slice of the whole search
  std::uint32_t shards = 1;
  std::uint32_t job = 0;     // this job, of `jobs`: a slice of the shard
  std::uint32_t jobs = 1;

  // Units of a tree search differ in size, so the jobs of a shard take them as they come:
  // `next` is the shard's next unit no job has taken (null: job w owns every jobs-th unit).
  // Which job runs a unit never changes what the search finds, only how the work is shared.
  std::atomic<std::uint64_t>* next = nullptr;

  bool owns(std::uint64_t unit) const {
    return unit % shards == shard && (unit / shards) % jobs == job;
  }
  // Whether this job runs `unit`; every job of the shard asks for each of its units in order,
  // so `next` is never behind the unit asked for, and exactly one job is told yes.
  bool take(std::uint64_t unit) const {
    if (next == nullptr) return owns(unit);
    if (unit % shards != shard) return false;
    std::uint64_t k = unit / shards;
    return next->compare_exchange_strong(k, k + 1, std::memory_order_relaxed);
  }
  bool whole() const { return shards == 1 && jobs == 1; }
};

class SlicedStrategy : public Strategy {
 public:
  // What the loop asks after every begin_execution(), kept in plain members (set by the
  // strategy's begin_execution through place() and choose_with()), not behind virtual calls:
  // The unit the current execution belongs to.
  std::uint64_t unit() const { return unit_; }
  // Whether the current execution is in this slice; the others are walked only to find the
  // units that follow them, and are neither counted nor reported.
  bool counted() const { return counted_; }
  // The strategy that makes the current execution's choices: a search that only wraps another
  // hands it over, so a choice costs one virtual call, not two.
  Strategy& chooser() const { return *chooser_; }
  // Executions that ended without a new result (sleep-set blocked, see dpor_strategy.hpp).
  std::uint64_t redundant() const { return redundant_; }

  // Roughly how much of the whole search has been walked, in [0, 1]; for progress lines.
  virtual double progress() const { return 0; }
  // Replays of a prefix that the body did not repeat (it is nondeterministic).
  virtual std::uint64_t divergences() const { return 0; }
  // Whether describe() already names the execution (sampling strategies name their index);
  // otherwise the explorer adds its place in the whole search.
  virtual bool names_execution() const { return false; }
  // States remembered, for a search that remembers them (state_strategy.hpp).
  virtual std::uint64_t states() const { return 0; }

 protected:
  void at_unit(std::uint64_t unit, bool counted) {
    unit_ = unit;
    counted_ = counted;
  }
  void choose_with(Strategy& chooser) { chooser_ = &chooser; }
  std::uint64_t redundant_ = 0;

 private:
  std::uint64_t unit_ = 0;
  bool counted_ = true;
  Strategy* chooser_ = this;
};

// The order in which an exhaustive search (DPOR) takes its branches.
enum class SearchOrder : std::uint8_t {
  DepthFirst,  // the deepest choice with a branch left branches next
  Random,      // seeded: a choice drawn from those on the path with a branch left
};

// The units of a tree search: the subtrees under the first `depth` choices, numbered in
// depth-first order. Every slice walks the same tree above that depth, so all agree.
class TreeUnits {
 public:
  TreeUnits(std::uint32_t depth, Slice slice) : depth_(depth), slice_(slice) {}
  // At the start of an execution: `branch` is the depth of the first choice that differs
  // from the previous execution (ignored for the first execution).
  void begin(std::size_t branch) { enter(branch < depth_); }
  // At the start of an execution: whether its first new choice lies above the units (so it
  // starts the next unit), for searches whose units are not cut at a fixed depth.
  void enter(bool next_unit) {
    if (started_ && !next_unit) return;
    unit_ = started_ ? unit_ + 1 : 0;
    started_ = true;
    owned_ = slice_.take(unit_);
  }
  std::uint64_t unit() const { return unit_; }
  bool owned() const { return owned_; }
  std::uint32_t depth() const { return depth_; }

 private:
  std::uint32_t depth_;
  Slice slice_;
  std::uint64_t unit_ = 0;
  bool started_ = false;
  bool owned_ = true;
};

// Sampling strategies cut their index space into blocks of this many executions: the unit
// of a sampled search, and the span over which PCT learns how long executions are.
inline constexpr std::uint64_t sample_block = 64;

// A strategy whose i-th execution depends on the seed and i alone, so any set of indices can
// be run anywhere, in any order of blocks (random walk, PCT, the portfolio of both).
class IndexedStrategy : public Strategy {
 public:
  // Prepare execution `index` (0-based); used instead of begin_execution().
  virtual void start(std::uint64_t index) = 0;
  bool begin_execution() final {
    start(next_++);
    return true;
  }
  // As SlicedStrategy::chooser(): the strategy that chooses for the execution started last.
  virtual Strategy& chooser() { return *this; }

 private:
  std::uint64_t next_ = 0;
};

}  // namespace sim
