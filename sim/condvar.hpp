// CondVar: a simulated condition variable (with explored spurious wake-ups) or std::condition_variable_any.
#pragma once

#include <condition_variable>
#include <string>
#include <string_view>

#include "sim/mutex.hpp"

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
  // Wakes one waiter; which one is a choice the strategy explores.
  void notify_one(Location where = Location::here());
  void notify_all(Location where = Location::here());

 private:
  void bind(Execution& e);

  std::condition_variable_any real_;
  detail::Binding binding_;
  std::string name_;
  Location created_;
  WaitList waiters_;
};

}  // namespace sim
