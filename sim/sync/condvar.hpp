// CondVar: a simulated condition variable (with explored spurious wake-ups) or std::condition_variable_any.
#pragma once

#include <condition_variable>
#include <string>
#include <string_view>

#include "sim/sync/cond_model.hpp"
#include "sim/sync/mutex.hpp"
#include "sim/time/time.hpp"

namespace sim {

class CondVar {
 public:
  explicit CondVar(std::string_view name = {}, Location created = Location::here())
      : name_(name), created_(created) {}
  CondVar(const CondVar&) = delete;
  CondVar& operator=(const CondVar&) = delete;

  // Releases the lock's mutex, waits for a notify (or a spurious wake-up), re-takes the mutex.
  void wait(std::unique_lock<Mutex>& lock, Location where = Location::here());
  template <class Predicate>
  void wait(std::unique_lock<Mutex>& lock, Predicate ready, Location where = Location::here()) {
    while (!ready()) wait(lock, where);
  }
  // As wait, but gives up after `timeout` of (virtual) time: std::cv_status::timeout then.
  std::cv_status wait_for(std::unique_lock<Mutex>& lock, Duration timeout, Location where = Location::here());
  template <class Predicate>
  bool wait_for(std::unique_lock<Mutex>& lock, Duration timeout, Predicate ready, Location where = Location::here()) {
    // Like the standard: the timeout counts from the call, not from each wake-up.
    const Duration until = now() + timeout;
    while (!ready()) {
      if (wait_for(lock, until - now(), where) == std::cv_status::timeout) return ready();
    }
    return true;
  }
  // Wakes one waiter; which one is a choice the strategy explores.
  void notify_one(Location where = Location::here());
  void notify_all(Location where = Location::here());

 private:
  struct HeldMutex;  // the mutex a wait releases and re-takes
  void bind(Execution& e);
  // Releases the mutex, waits (with a deadline unless `timeout` is null), re-takes the mutex.
  std::cv_status wait_simulated(Execution& e, std::unique_lock<Mutex>& lock, const Duration* timeout, Location where);

  std::condition_variable_any real_;
  detail::Binding binding_;
  std::string name_;
  Location created_;
  detail::CondModel model_;
};

}  // namespace sim
