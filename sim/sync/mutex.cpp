// Mutex: ownership, waiting tasks, and misuse checks in simulation; std::mutex otherwise.
#include "sim/sync/mutex.hpp"

namespace sim {

void Mutex::bind(Execution& e) {
  if (binding_.bind(e, ObjectKind::Mutex, name_, created_)) {
    owner_ = no_task;
    waiters_ = WaitList{};
  }
}

std::string Mutex::describe(Execution& e) const { return "mutex " + e.object_name(binding_.id()); }

Mutex::~Mutex() {
  Execution* e = Execution::current();
  if (e == nullptr || !binding_.bound_to(*e) || owner_ == no_task || e->aborting()) return;
  e->fail_later(FailureKind::LockMisuse,
                describe(*e) + " was destroyed while " + e->task_name(owner_) + " held it (locked at " +
                    to_string(locked_at_) + ")",
                created_);
}

void Mutex::lock(Location where) {
  Execution* e = Execution::current();
  if (e == nullptr) {
    real_.lock();
    return;
  }
  bind(*e);
  if (owner_ == e->current_task() && !e->aborting()) [[unlikely]] {
    relocked(*e, where);
    return;
  }
  acquire(*e, where);
}

void Mutex::relocked(Execution& e, Location where) {
  e.fail(FailureKind::LockMisuse,
         e.task_name(owner_) + " locks " + describe(e) + " again while holding it (locked at " +
             to_string(locked_at_) + "); a non-recursive mutex deadlocks or worse",
         where);
}

void Mutex::acquire(Execution& e, Location where) {
  const TaskId me = e.current_task();
  const ObjectId id = binding_.id();
  e.enlist(waiters_, me, Waiting{OpKind::Lock, id, owner_, where});
  if (owner_ != no_task) e.block(me);
  e.schedule(OpKind::Lock, id, where);
  // Chosen to run, so the mutex is free (or the execution is stopping).
  e.delist(waiters_, me);
  owner_ = me;
  locked_at_ = where;
  e.set_holder(id, me);
  e.block_all(waiters_);
  e.publish(OpKind::Lock, id, where);
}

void Mutex::release(Execution& e) {
  owner_ = no_task;
  e.set_holder(binding_.id(), no_task);
  e.unblock_all(waiters_);
}

void Mutex::unlocked_by_other(Execution& e, Location where) {
  std::string held = owner_ == no_task ? std::string(", which is not locked")
                                       : ", which " + e.task_name(owner_) + " holds (locked at " + to_string(locked_at_) + ")";
  e.fail(FailureKind::LockMisuse, e.task_name(e.current_task()) + " unlocks " + describe(e) + held, where);
}

bool Mutex::try_lock(Location where) {
  Execution* e = Execution::current();
  if (e == nullptr) return real_.try_lock();
  bind(*e);
  const TaskId me = e->current_task();
  if (owner_ == me && !e->aborting()) {
    e->fail(FailureKind::LockMisuse, e->task_name(me) + " calls try_lock on " + describe(*e) + ", which it already holds (locked at " + to_string(locked_at_) + ")", where);
    return false;
  }
  e->schedule(OpKind::TryLock, binding_.id(), where);
  const bool ok = owner_ == no_task;
  if (ok) {
    owner_ = me;
    locked_at_ = where;
    e->set_holder(binding_.id(), me);
    e->block_all(waiters_);
  }
  e->publish(OpKind::TryLock, binding_.id(), where, {}, no_task, ok);
  return ok;
}

void Mutex::unlock(Location where) {
  Execution* e = Execution::current();
  if (e == nullptr) {
    real_.unlock();
    return;
  }
  bind(*e);
  const TaskId me = e->current_task();
  if (owner_ != me && !e->aborting()) [[unlikely]] {
    unlocked_by_other(*e, where);
    return;
  }
  // Not a scheduling point: while the mutex is held every task waiting for it is blocked, so no
  // runnable task's next operation conflicts with the unlock; the choice comes at the next step.
  release(*e);
  e->released(binding_.id());
  e->publish(OpKind::Unlock, binding_.id(), where);
}

}  // namespace sim
