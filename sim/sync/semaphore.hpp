// CountingSemaphore: C++20 semaphore semantics, simulated inside a simulation, std outside one.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <semaphore>
#include <string>
#include <string_view>

#include "sim/core/object.hpp"

namespace sim {

namespace detail {

// The simulated count and the tasks waiting for it to be non-zero; the non-template half of
// CountingSemaphore. Publishes Acquire, TryAcquire (flag: took a count) and Release (value: n).
class SemaphoreModel {
 public:
  SemaphoreModel(std::string_view name, std::ptrdiff_t initial, std::ptrdiff_t max, Location created)
      : name_(name), initial_(initial), max_(max), created_(created) {}

  void acquire(Execution& e, Location where);
  bool try_acquire(Execution& e, Location where);
  bool try_acquire_for(Execution& e, Nanos timeout, Location where);
  void release(Execution& e, std::ptrdiff_t n, Location where);
  // The count now (sem_getvalue): not a step.
  std::ptrdiff_t value(Execution& e) {
    bind(e);
    return count_;
  }

 private:
  void bind(Execution& e);
  void take(Execution& e);

  detail::Binding binding_;
  std::string name_;
  std::ptrdiff_t initial_;
  std::ptrdiff_t max_;
  Location created_;
  std::ptrdiff_t count_ = 0;
  std::ptrdiff_t released_ = 0;  // the last release's n, for its event
  WaitList waiters_;
};

}  // namespace detail

// Releasing past max() (or a negative count) is SyncMisuse: undefined behaviour for the std one,
// and the classic bug of a semaphore used as a lock and released twice.
template <std::ptrdiff_t LeastMaxValue = std::counting_semaphore<>::max()>
class CountingSemaphore {
 public:
  explicit CountingSemaphore(std::ptrdiff_t desired, std::string_view name = {}, Location created = Location::here())
      : real_(desired), model_(name, desired, LeastMaxValue, created) {}
  CountingSemaphore(const CountingSemaphore&) = delete;
  CountingSemaphore& operator=(const CountingSemaphore&) = delete;

  static constexpr std::ptrdiff_t max() noexcept { return LeastMaxValue; }

  void release(std::ptrdiff_t update = 1, Location where = Location::here()) {
    if (Execution* e = Execution::current()) return model_.release(*e, update, where);
    real_.release(update);
  }
  void acquire(Location where = Location::here()) {
    if (Execution* e = Execution::current()) return model_.acquire(*e, where);
    real_.acquire();
  }
  bool try_acquire(Location where = Location::here()) {
    if (Execution* e = Execution::current()) return model_.try_acquire(*e, where);
    return real_.try_acquire();
  }
  // Waits on virtual time in a simulation, as TimedMutex::try_lock_for does.
  template <class Rep, class Period>
  bool try_acquire_for(std::chrono::duration<Rep, Period> timeout, Location where = Location::here()) {
    if (Execution* e = Execution::current()) {
      return model_.try_acquire_for(*e, std::chrono::duration_cast<std::chrono::nanoseconds>(timeout).count(), where);
    }
    return real_.try_acquire_for(timeout);
  }

 private:
  std::counting_semaphore<LeastMaxValue> real_;
  detail::SemaphoreModel model_;
};

using BinarySemaphore = CountingSemaphore<1>;

}  // namespace sim
