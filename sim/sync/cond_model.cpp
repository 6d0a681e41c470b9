// CondModel: waiting, notification and spurious wake-ups as scheduling choices.
#include "sim/sync/cond_model.hpp"

#include <algorithm>

namespace sim::detail {

std::cv_status CondModel::wait(Execution& e, ObjectId id, WaitLock& lock, const Nanos* timeout, Location where) {
  const TaskId me = e.current_task();
  e.schedule(OpKind::Wait, id, where);
  // A wake-up without a notify is allowed by the standard; whether it happens is a choice.
  const bool spurious = e.explore_spurious_wakeups() && e.choose_value(2) == 1;
  lock.release(e);
  e.publish(OpKind::Wait, id, where, {}, no_task, spurious);
  bool timed_out = false;
  if (!spurious) {
    e.set_woken_by(me, no_task);
    e.enlist(waiters_, me, Waiting{OpKind::Wait, id, no_task, where});
    if (timeout != nullptr) e.set_deadline(me, e.now() + std::max<Nanos>(*timeout, 0));
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
  lock.reacquire(e, where);
  return timed_out ? std::cv_status::timeout : std::cv_status::no_timeout;
}

void CondModel::notify_one(Execution& e, ObjectId id, Location where) {
  e.schedule(OpKind::Notify, id, where);
  TaskId woken = no_task;
  if (const std::uint32_t n = e.length(waiters_); n > 0 && !e.aborting()) {
    woken = e.nth(waiters_, e.choose_value(n));
    e.delist(waiters_, woken);
    e.set_woken_by(woken, e.current_task());
    e.unblock(woken);
  }
  e.publish(OpKind::Notify, id, where, {}, woken);
}

void CondModel::notify_all(Execution& e, ObjectId id, Location where) {
  e.schedule(OpKind::NotifyAll, id, where);
  while (waiters_.head != no_task && !e.aborting()) {
    TaskId woken = waiters_.head;
    e.delist(waiters_, woken);
    e.set_woken_by(woken, e.current_task());
    e.unblock(woken);
  }
  e.publish(OpKind::NotifyAll, id, where);
}

}  // namespace sim::detail
