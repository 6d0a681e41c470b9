// CountingSemaphore's model: the count, waiting for it, and releases past the maximum.
#include "sim/sync/semaphore.hpp"

#include <algorithm>

namespace sim::detail {

void SemaphoreModel::bind(Execution& e) {
  if (binding_.bind(e, ObjectKind::Semaphore, name_, created_)) {
    count_ = initial_;
    waiters_ = WaitList{};
  }
}

void SemaphoreModel::take(Execution& e) {
  --count_;
  if (count_ == 0) e.block_all(waiters_);
}

void SemaphoreModel::acquire(Execution& e, Location where) {
  bind(e);
  const TaskId me = e.current_task();
  const ObjectId id = binding_.id();
  e.enlist(waiters_, me, Waiting{OpKind::Acquire, id, no_task, where});
  if (count_ == 0) e.block(me);
  e.schedule(OpKind::Acquire, id, where);
  // Chosen to run, so the count is positive (or the execution is stopping).
  e.delist(waiters_, me);
  if (count_ > 0) take(e);
  e.publish(OpKind::Acquire, id, where, value_ref(count_));
}

bool SemaphoreModel::try_acquire(Execution& e, Location where) {
  bind(e);
  e.schedule(OpKind::TryAcquire, binding_.id(), where);
  const bool ok = count_ > 0 && !e.aborting();
  if (ok) take(e);
  e.publish(OpKind::TryAcquire, binding_.id(), where, value_ref(count_), no_task, ok);
  return ok;
}

bool SemaphoreModel::try_acquire_for(Execution& e, Nanos timeout, Location where) {
  bind(e);
  const TaskId me = e.current_task();
  const ObjectId id = binding_.id();
  e.enlist(waiters_, me, Waiting{OpKind::Acquire, id, no_task, where});
  // As LockModel::try_lock_for: a deadline only when it has to wait.
  const bool empty = count_ == 0;
  if (empty) {
    e.set_deadline(me, e.now() + std::max<Nanos>(timeout, 0));
    e.block(me);
  }
  e.schedule(OpKind::TryAcquire, id, where);
  if (empty) {
    e.take_timed_out(me);
    e.clear_deadline(me);
  }
  e.delist(waiters_, me);
  const bool ok = count_ > 0 && !e.aborting();
  if (ok) take(e);
  e.publish(OpKind::TryAcquire, id, where, value_ref(count_), no_task, ok);
  return ok;
}

void SemaphoreModel::release(Execution& e, std::ptrdiff_t n, Location where) {
  bind(e);
  const ObjectId id = binding_.id();
  // A scheduling point: a task polling with try_acquire sees the count change.
  e.schedule(OpKind::Release, id, where);
  if (!e.aborting() && (n < 0 || n > max_ - count_)) {
    const std::string sem = "semaphore " + e.object_name(id);
    e.fail(FailureKind::SyncMisuse,
           n < 0 ? e.task_name(e.current_task()) + " releases " + sem + " by a negative count (" + std::to_string(n) + ")"
                 : e.task_name(e.current_task()) + " releases " + sem + " past its maximum of " + std::to_string(max_) +
                       " (count " + std::to_string(count_) + ", released " + std::to_string(n) +
                       "): more releases than acquires",
           where);
    return;
  }
  count_ += n;
  released_ = n;
  if (n > 0) e.unblock_all(waiters_);
  e.publish(OpKind::Release, id, where, value_ref(released_));
}

}  // namespace sim::detail
