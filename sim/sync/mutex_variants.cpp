// RecursiveMutex and TimedMutex: the shared exclusive-lock model, and each variant's misuse checks.
#include "sim/sync/mutex_variants.hpp"

#include <algorithm>

namespace sim {

namespace detail {

void LockModel::take(Execution& e, ObjectId id, Location where) {
  owner_ = e.current_task();
  depth_ = 1;
  locked_at_ = where;
  e.set_holder(id, owner_);
  e.block_all(waiters_);
}

void LockModel::lock(Execution& e, ObjectId id, Location where) {
  const TaskId me = e.current_task();
  e.enlist(waiters_, me, Waiting{OpKind::Lock, id, owner_, where});
  if (owner_ != no_task) e.block(me);
  e.schedule(OpKind::Lock, id, where);
  // Chosen to run, so it is free (or the execution is stopping).
  e.delist(waiters_, me);
  take(e, id, where);
  e.publish(OpKind::Lock, id, where);
}

bool LockModel::try_lock(Execution& e, ObjectId id, Location where) {
  e.schedule(OpKind::TryLock, id, where);
  const bool ok = owner_ == no_task && !e.aborting();
  if (ok) take(e, id, where);
  e.publish(OpKind::TryLock, id, where, {}, no_task, ok);
  return ok;
}

bool LockModel::try_lock_for(Execution& e, ObjectId id, Nanos timeout, Location where) {
  const TaskId me = e.current_task();
  e.enlist(waiters_, me, Waiting{OpKind::Lock, id, owner_, where});
  // Only a wait has a deadline: a deadline on a free mutex would move the clock when taken.
  // If it is free now but taken before this task runs, the taker blocks it like any waiter,
  // and it takes the mutex once it is released again.
  const bool held = owner_ != no_task;
  if (held) {
    e.set_deadline(me, e.now() + std::max<Nanos>(timeout, 0));
    e.block(me);  // under loose timing a task with a deadline stays runnable: it may time out now
  }
  e.schedule(OpKind::TryLock, id, where);
  if (held) {
    e.take_timed_out(me);
    e.clear_deadline(me);
  }
  e.delist(waiters_, me);
  const bool ok = owner_ == no_task && !e.aborting();
  if (ok) take(e, id, where);
  e.publish(OpKind::TryLock, id, where, {}, no_task, ok);
  return ok;
}

void LockModel::relock(Execution& e, ObjectId id, OpKind kind, Location where) {
  ++depth_;
  e.publish(kind, id, where, {}, no_task, true);
}

void LockModel::unlock(Execution& e, ObjectId id, Location where) {
  if (--depth_ == 0) {
    owner_ = no_task;
    e.set_holder(id, no_task);
    e.unblock_all(waiters_);
  }
  e.publish(OpKind::Unlock, id, where);
}

std::uint32_t LockModel::release_for_wait(Execution& e, ObjectId id) {
  const std::uint32_t depth = depth_;
  depth_ = 0;
  owner_ = no_task;
  e.set_holder(id, no_task);
  e.unblock_all(waiters_);
  return depth;
}

void LockModel::reacquire(Execution& e, ObjectId id, Location where, std::uint32_t depth) {
  lock(e, id, where);
  depth_ = depth;
}

std::string LockModel::not_held_by(Execution& e, TaskId me) const {
  if (owner_ == me) return {};
  if (owner_ == no_task) return ", which is not locked";
  return ", which " + e.task_name(owner_) + " holds (locked at " + to_string(locked_at_) + ")";
}

}  // namespace detail

namespace {

// A lock destroyed while held: the holder's unlock would touch freed memory.
void destroyed_while_held(const detail::Binding& b, const detail::LockModel& m, const char* kind, Location created) {
  Execution* e = Execution::current();
  if (e == nullptr || !b.bound_to(*e) || m.owner() == no_task || e->aborting()) return;
  e->fail_later(FailureKind::LockMisuse,
                std::string(kind) + " " + e->object_name(b.id()) + " was destroyed while " + e->task_name(m.owner()) +
                    " held it (locked at " + to_string(m.locked_at()) + ")",
                created);
}

}  // namespace

// --- RecursiveMutex ---

Execution* RecursiveMutex::bind() {
  Execution* e = Execution::current();
  if (e != nullptr && binding_.bind(*e, ObjectKind::RecursiveMutex, name_, created_)) model_.reset();
  return e;
}

RecursiveMutex::~RecursiveMutex() { destroyed_while_held(binding_, model_, "recursive mutex", created_); }

void RecursiveMutex::lock(Location where) {
  Execution* e = bind();
  if (e == nullptr) {
    real_.lock();
    return;
  }
  if (model_.owner() == e->current_task() && !e->aborting()) {
    model_.relock(*e, binding_.id(), OpKind::Lock, where);
    return;
  }
  model_.lock(*e, binding_.id(), where);
}

bool RecursiveMutex::try_lock(Location where) {
  Execution* e = bind();
  if (e == nullptr) return real_.try_lock();
  if (model_.owner() == e->current_task() && !e->aborting()) {
    model_.relock(*e, binding_.id(), OpKind::TryLock, where);
    return true;
  }
  return model_.try_lock(*e, binding_.id(), where);
}

void RecursiveMutex::unlock(Location where) {
  Execution* e = bind();
  if (e == nullptr) {
    real_.unlock();
    return;
  }
  const TaskId me = e->current_task();
  if (std::string held = model_.not_held_by(*e, me); !held.empty()) {
    if (e->aborting()) return;
    e->fail(FailureKind::LockMisuse, e->task_name(me) + " unlocks recursive mutex " + e->object_name(binding_.id()) + held, where);
    return;
  }
  model_.unlock(*e, binding_.id(), where);
}

// --- TimedMutex ---

Execution* TimedMutex::bind() {
  Execution* e = Execution::current();
  if (e != nullptr && binding_.bind(*e, ObjectKind::TimedMutex, name_, created_)) model_.reset();
  return e;
}

TimedMutex::~TimedMutex() { destroyed_while_held(binding_, model_, "timed mutex", created_); }

void TimedMutex::relock_misuse(Execution& e, const char* what, Location where) {
  e.fail(FailureKind::LockMisuse,
         e.task_name(e.current_task()) + " " + what + " timed mutex " + e.object_name(binding_.id()) +
             " while holding it (locked at " + to_string(model_.locked_at()) + "); it is not recursive",
         where);
}

void TimedMutex::lock(Location where) {
  Execution* e = bind();
  if (e == nullptr) {
    real_.lock();
    return;
  }
  if (model_.owner() == e->current_task() && !e->aborting()) return relock_misuse(*e, "locks", where);
  model_.lock(*e, binding_.id(), where);
}

bool TimedMutex::try_lock(Location where) {
  Execution* e = bind();
  if (e == nullptr) return real_.try_lock();
  if (model_.owner() == e->current_task() && !e->aborting()) {
    relock_misuse(*e, "calls try_lock on", where);
    return false;
  }
  return model_.try_lock(*e, binding_.id(), where);
}

bool TimedMutex::try_lock_for_ns(std::chrono::nanoseconds timeout, Location where) {
  Execution* e = bind();
  if (e == nullptr) return real_.try_lock_for(timeout);
  if (model_.owner() == e->current_task() && !e->aborting()) {
    relock_misuse(*e, "calls try_lock_for on", where);
    return false;
  }
  return model_.try_lock_for(*e, binding_.id(), timeout.count(), where);
}

void TimedMutex::unlock(Location where) {
  Execution* e = bind();
  if (e == nullptr) {
    real_.unlock();
    return;
  }
  const TaskId me = e->current_task();
  if (std::string held = model_.not_held_by(*e, me); !held.empty()) {
    if (e->aborting()) return;
    e->fail(FailureKind::LockMisuse, e->task_name(me) + " unlocks timed mutex " + e->object_name(binding_.id()) + held, where);
    return;
  }
  model_.unlock(*e, binding_.id(), where);
}

}  // namespace sim
