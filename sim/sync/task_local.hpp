// TaskLocal<T>: one value per simulated task per execution; a thread_local outside a simulation.
//
// Each task sees its own copy, made from the initial value the first time it asks; a new
// execution starts every task afresh. Accesses are not scheduling points and publish nothing:
// no other task can see the value. (Coroutines of one event loop share their loop's task.)
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "sim/core/execution.hpp"

namespace sim {

namespace detail {
// Keys for the thread_local values outside a simulation: never reused, unlike addresses.
std::uint64_t next_task_local_key();
}  // namespace detail

template <class T>
class TaskLocal {
 public:
  explicit TaskLocal(T initial = T{}) : initial_(std::move(initial)), key_(detail::next_task_local_key()) {}
  TaskLocal(const TaskLocal&) = delete;
  TaskLocal& operator=(const TaskLocal&) = delete;

  // The running task's value (or this OS thread's).
  T& get() {
    if (Execution* e = Execution::current()) return simulated(*e);
    return real();
  }
  T* operator->() { return &get(); }
  T& operator*() { return get(); }
  void set(T value) { get() = std::move(value); }

 private:
  T& simulated(Execution& e) {
    if (epoch_ != e.epoch()) {
      epoch_ = e.epoch();
      for (std::unique_ptr<T>& v : per_task_) v.reset();
    }
    const std::uint32_t i = index(e.current_task());
    if (i >= per_task_.size()) per_task_.resize(i + 1);
    if (!per_task_[i]) per_task_[i] = std::make_unique<T>(initial_);
    return *per_task_[i];
  }
  T& real() {
    // One map per OS thread, keyed by the TaskLocal's never-reused key; entries live as long as the thread.
    thread_local std::unordered_map<std::uint64_t, std::unique_ptr<T>> values;
    std::unique_ptr<T>& v = values[key_];
    if (!v) v = std::make_unique<T>(initial_);
    return *v;
  }

  T initial_;
  std::uint64_t key_;
  std::uint64_t epoch_ = 0;
  std::vector<std::unique_ptr<T>> per_task_;  // by task id; boxed, so a task's reference stays valid
};

}  // namespace sim
