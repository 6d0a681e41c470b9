// CondVar: waiting, notification and spurious wake-ups as scheduling choices.
#include "sim/sync/condvar.hpp"

#include <algorithm>

namespace sim {

void CondVar::bind(Execution& e) {
  if (binding_.bind(e, ObjectKind::CondVar, name_, created_)) model_.reset();
}

void CondVar::wait(std::unique_lock<Mutex>& lock, Location where) {
  Execution* e = Execution::current();
  if (e == nullptr) {
    real_.wait(lock);
    return;
  }
  wait_simulated(*e, lock, nullptr, where);
}

std::cv_status CondVar::wait_for(std::unique_lock<Mutex>& lock, Duration timeout, Location where) {
  Execution* e = Execution::current();
  if (e == nullptr) return real_.wait_for(lock, timeout);
  return wait_simulated(*e, lock, &timeout, where);
}

struct CondVar::HeldMutex final : detail::WaitLock {
  explicit HeldMutex(Mutex& m) : m(m) {}
  void release(Execution& e) override { m.release(e); }
  void reacquire(Execution& e, Location where) override { m.acquire(e, where); }
  Mutex& m;
};

std::cv_status CondVar::wait_simulated(Execution& e, std::unique_lock<Mutex>& lock, const Duration* timeout,
                                       Location where) {
  bind(e);
  const TaskId me = e.current_task();
  const ObjectId id = binding_.id();
  Mutex* m = lock.mutex();
  if (!e.aborting() && (m == nullptr || !lock.owns_lock() || m->owner_ != me)) {
    e.fail(FailureKind::LockMisuse,
           e.task_name(me) + " waits on condvar " + e.object_name(id) + " without holding its mutex", where);
    return std::cv_status::no_timeout;
  }
  HeldMutex held(*m);
  const Nanos ns = timeout != nullptr ? timeout->count() : 0;
  return model_.wait(e, id, held, timeout != nullptr ? &ns : nullptr, where);
}

void CondVar::notify_one(Location where) {
  Execution* e = Execution::current();
  if (e == nullptr) {
    real_.notify_one();
    return;
  }
  bind(*e);
  model_.notify_one(*e, binding_.id(), where);
}

void CondVar::notify_all(Location where) {
  Execution* e = Execution::current();
  if (e == nullptr) {
    real_.notify_all();
    return;
  }
  bind(*e);
  model_.notify_all(*e, binding_.id(), where);
}

}  // namespace sim
