// CondVar: waiting, notification and spurious wake-ups as scheduling choices.
#include "sim/sync/condvar.hpp"

#include <algorithm>

namespace sim {

void CondVar::bind(Execution& e) {
  if (binding_.bind(e, ObjectKind::CondVar, name_, created_)) waiters_ = WaitList{};
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
  e.schedule(OpKind::Wait, id, where);
  // A wake-up without a notify is allowed by the standard; whether it happens is a choice.
  const bool spurious = e.explore_spurious_wakeups() && e.choose_value(2) == 1;
  m->release(e);
  e.publish(OpKind::Wait, id, where, {}, no_task, spurious);
  bool timed_out = false;
  if (!spurious) {
    e.set_woken_by(me, no_task);
    e.enlist(waiters_, me, Waiting{OpKind::Wait, id, no_task, where});
    if (timeout != nullptr) e.set_deadline(me, e.now() + std::max<Nanos>(timeout->count(), 0));
    e.block(me);
    e.schedule(OpKind::Wake, id, where);
    e.take_timed_out(me);
    e.clear_deadline(me);
    // Still waiting when resumed: not notified, so the deadline (or the stop) woke it.
    if (e.woken_by(me) == no_task) {
      e.delist(waiters_, me);
      timed_out = timeout != nullptr;
    }
  }
  e.publish(OpKind::Wake, id, where, {}, spurious ? no_task : e.woken_by(me), spurious);
  m->acquire(e, where);
  return timed_out ? std::cv_status::timeout : std::cv_status::no_timeout;
}

void CondVar::notify_one(Location where) {
  Execution* e = Execution::current();
  if (e == nullptr) {
    real_.notify_one();
    return;
  }
  bind(*e);
  e->schedule(OpKind::Notify, binding_.id(), where);
  TaskId woken = no_task;
  if (const std::uint32_t n = e->length(waiters_); n > 0 && !e->aborting()) {
    woken = e->nth(waiters_, e->choose_value(n));
    e->delist(waiters_, woken);
    e->set_woken_by(woken, e->current_task());
    e->unblock(woken);
  }
  e->publish(OpKind::Notify, binding_.id(), where, {}, woken);
}

void CondVar::notify_all(Location where) {
  Execution* e = Execution::current();
  if (e == nullptr) {
    real_.notify_all();
    return;
  }
  bind(*e);
  e->schedule(OpKind::NotifyAll, binding_.id(), where);
  while (waiters_.head != no_task && !e->aborting()) {
    TaskId woken = waiters_.head;
    e->delist(waiters_, woken);
    e->set_woken_by(woken, e->current_task());
    e->unblock(woken);
  }
  e->publish(OpKind::NotifyAll, binding_.id(), where);
}

}  // namespace sim
