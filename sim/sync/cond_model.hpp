// CondModel: the simulated state of a condition variable, shared by CondVar and the std front
// end's pthread_cond_t: its waiters, notification, timeouts and explored spurious wake-ups.
#pragma once

#include <condition_variable>

#include "sim/core/execution.hpp"

namespace sim::detail {

// The mutex a wait releases and re-takes, whatever kind it is.
class WaitLock {
 public:
  virtual void release(Execution& e) = 0;
  virtual void reacquire(Execution& e, Location where) = 0;

 protected:
  ~WaitLock() = default;
};

class CondModel {
 public:
  void reset() { waiters_ = WaitList{}; }
  // Announces the wait (a scheduling point), releases `lock`, waits for a notify (or a spurious
  // wake-up, or `timeout` of virtual time unless it is null), and takes `lock` again.
  std::cv_status wait(Execution& e, ObjectId id, WaitLock& lock, const Nanos* timeout, Location where);
  // Wakes one waiter; which one is a choice the strategy explores.
  void notify_one(Execution& e, ObjectId id, Location where);
  void notify_all(Execution& e, ObjectId id, Location where);

 private:
  WaitList waiters_;
};

}  // namespace sim::detail
