// VectorClock and Epoch: the happens-before bookkeeping (HappensBefore, the race detector, the lock graph).
//
// How this works: each task keeps a vector clock, one counter per task (Mattern, "Virtual time
// and global states of distributed systems", 1989). A task ticks its own entry after each
// operation that releases (unlock, spawn, atomic store, notify), and joins (pointwise max) the
// clock of whatever it acquires (a mutex's last unlock, its parent at spawn, a joined task). An
// operation by task t at its own time c happens before a later point whose clock C has
// C[t] >= c. That pair (t, c) is an Epoch: FastTrack (Flanagan & Freund, PLDI 2009) keeps one
// epoch per variable instead of a whole clock in the common case, so most checks are O(1).
// Clocks live in flat vectors reused across executions: clear() keeps the capacity.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace sim {

// "Task `task` at its own time `clock`"; clock 0 means "never" (every clock starts at 1).
struct Epoch {
  std::uint32_t task = 0;
  std::uint32_t clock = 0;
  bool operator==(const Epoch&) const = default;
};

// Up to `inline_size` entries live inside the object (no allocation, no indirection): most
// programs under test have a handful of tasks, and then join and assign are a few fixed-size
// vector instructions. Larger clocks move to the heap and stay there. Invariant: every entry
// from size_ to the capacity is 0, so growing is free and a fixed-size join is exact.
class VectorClock {
 public:
  static constexpr std::uint32_t inline_size = 8;

  VectorClock() = default;
  VectorClock(const VectorClock& other) { assign(other); }
  VectorClock(VectorClock&& other) noexcept { take(other); }
  VectorClock& operator=(const VectorClock& other) {
    if (this != &other) assign(other);
    return *this;
  }
  VectorClock& operator=(VectorClock&& other) noexcept {
    if (this != &other) {
      release();
      take(other);
    }
    return *this;
  }
  ~VectorClock() { release(); }

  std::uint32_t get(std::uint32_t task) const { return task < size_ ? data_[task] : 0; }
  void set(std::uint32_t task, std::uint32_t value) {
    if (task >= capacity_) reserve(task + 1);
    data_[task] = value;
    size_ = std::max(size_, task + 1);
  }
  void tick(std::uint32_t task) {
    if (task < size_) {
      ++data_[task];  // the usual case: a task's clock has its own entry from its start
    } else {
      set(task, 1);
    }
  }
  Epoch epoch(std::uint32_t task) const { return Epoch{task, get(task)}; }
  // The operation at `e` happens before (or is) the point this clock describes.
  bool covers(Epoch e) const { return e.clock <= get(e.task); }
  // Pointwise maximum: everything `other` has seen, this has seen too.
  void join(const VectorClock& other) {
    if (!small() || !other.small()) [[unlikely]] return join_large(other);
    for (std::uint32_t i = 0; i < inline_size; ++i) inline_[i] = std::max(inline_[i], other.inline_[i]);
    size_ = std::max(size_, other.size_);
  }
  void assign(const VectorClock& other) {
    if (!small() || !other.small()) [[unlikely]] return assign_large(other);
    // A fixed-size copy the compiler expands in place (as a loop it became a call to memcpy).
    std::memcpy(inline_, other.inline_, sizeof inline_);
    size_ = other.size_;
  }
  void clear() {  // keeps the capacity
    if (small()) {
      for (std::uint32_t& c : inline_) c = 0;
    } else {
      for (std::uint32_t i = 0; i < size_; ++i) data_[i] = 0;
    }
    size_ = 0;
  }
  // Equal as clocks: missing entries count as 0.
  bool operator==(const VectorClock& other) const {
    const std::uint32_t n = std::max(size_, other.size_);
    for (std::uint32_t i = 0; i < n; ++i) {
      if (get(i) != other.get(i)) return false;
    }
    return true;
  }
  std::size_t size() const { return size_; }
  // "[3 0 1]", for tests and debugging.
  std::string to_string() const;

 private:
  bool small() const { return capacity_ == inline_size; }  // heap capacities are larger
  // Out of line (and not inlined by LTO), so the handlers that join and assign clocks keep a
  // small frame: most clocks stay inline.
  [[gnu::noinline]] void reserve(std::uint32_t n);
  [[gnu::noinline]] void join_large(const VectorClock& other);
  [[gnu::noinline]] void assign_large(const VectorClock& other);
  void release();
  void take(VectorClock& other);

  std::uint32_t* data_ = inline_;
  std::uint32_t size_ = 0;
  std::uint32_t capacity_ = inline_size;
  alignas(16) std::uint32_t inline_[inline_size] = {};
};

}  // namespace sim
