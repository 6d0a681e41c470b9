// RwLock: readers and a writer, waiting by preference, and misuse checks (upgrade, relock).
#include "sim/sync/rwlock.hpp"

#include <algorithm>

namespace sim {

Execution* RwLock::bind() {
  Execution* e = Execution::current();
  if (e != nullptr && binding_.bind(*e, ObjectKind::RwLock, name_, created_)) {
    writer_ = no_task;
    readers_.clear();
    writers_waiting_ = WaitList{};
    readers_waiting_ = WaitList{};
  }
  return e;
}

RwLock::~RwLock() {
  Execution* e = Execution::current();
  if (e == nullptr || !binding_.bound_to(*e) || e->aborting()) return;
  if (writer_ == no_task && readers_.empty()) return;
  const TaskId who = writer_ != no_task ? writer_ : readers_.front();
  e->fail_later(FailureKind::LockMisuse,
                "rwlock " + e->object_name(binding_.id()) + " was destroyed while " + e->task_name(who) + " held it" +
                    (writer_ != no_task ? "" : " shared"),
                created_);
}

bool RwLock::reading(TaskId t) const { return std::find(readers_.begin(), readers_.end(), t) != readers_.end(); }

void RwLock::refresh(Execution& e) {
  // Deadlock stories name a holder: the writer, else the first reader.
  e.set_holder(binding_.id(), writer_ != no_task ? writer_ : readers_.empty() ? no_task : readers_.front());
  const bool write = can_write();
  for (TaskId t = writers_waiting_.head; t != no_task; t = e.next_in(t)) write ? e.unblock(t) : e.block(t);
  const bool read = can_read();
  for (TaskId t = readers_waiting_.head; t != no_task; t = e.next_in(t)) read ? e.unblock(t) : e.block(t);
}

void RwLock::misuse(Execution& e, const std::string& what, Location where) {
  e.fail(FailureKind::LockMisuse, e.task_name(e.current_task()) + " " + what, where);
}

void RwLock::lock(Location where) {
  Execution* e = bind();
  if (e == nullptr) {
    real_.lock();
    return;
  }
  const TaskId me = e->current_task();
  const ObjectId id = binding_.id();
  if (!e->aborting()) {
    const std::string rw = "rwlock " + e->object_name(id);
    if (reading(me)) {
      return misuse(*e,
                    "locks " + rw + " exclusively while holding it shared: an upgrade waits for every reader to "
                    "leave, itself included, so it deadlocks (unlock_shared first)",
                    where);
    }
    if (writer_ == me) return misuse(*e, "locks " + rw + " again while holding it (locked at " + to_string(locked_at_) + ")", where);
  }
  e->enlist(writers_waiting_, me, Waiting{OpKind::Lock, id, no_task, where});
  refresh(*e);  // with writers preferred, waiting readers now wait behind this writer
  e->schedule(OpKind::Lock, id, where);
  e->delist(writers_waiting_, me);
  writer_ = me;
  locked_at_ = where;
  refresh(*e);
  e->publish(OpKind::Lock, id, where);
}

bool RwLock::try_lock(Location where) {
  Execution* e = bind();
  if (e == nullptr) return real_.try_lock();
  const TaskId me = e->current_task();
  const ObjectId id = binding_.id();
  if (!e->aborting() && (reading(me) || writer_ == me)) {
    misuse(*e, "calls try_lock on rwlock " + e->object_name(id) + ", which it already holds", where);
    return false;
  }
  e->schedule(OpKind::TryLock, id, where);
  const bool ok = can_write() && !e->aborting();
  if (ok) {
    writer_ = me;
    locked_at_ = where;
    refresh(*e);
  }
  e->publish(OpKind::TryLock, id, where, {}, no_task, ok);
  return ok;
}

void RwLock::unlock(Location where) {
  Execution* e = bind();
  if (e == nullptr) {
    real_.unlock();
    return;
  }
  const TaskId me = e->current_task();
  if (writer_ != me) {
    if (e->aborting()) return;
    const std::string held = reading(me) ? " it holds shared (use unlock_shared)"
                             : writer_ == no_task ? ", which nobody holds exclusively"
                                                  : ", which " + e->task_name(writer_) + " holds";
    return misuse(*e, "unlocks rwlock " + e->object_name(binding_.id()) + held, where);
  }
  // Not a scheduling point, as Mutex::unlock.
  writer_ = no_task;
  refresh(*e);
  e->publish(OpKind::Unlock, binding_.id(), where);
}

void RwLock::take_shared(Execution& e, Location where) {
  readers_.push_back(e.current_task());
  locked_at_ = where;
  refresh(e);
}

void RwLock::lock_shared(Location where) {
  Execution* e = bind();
  if (e == nullptr) {
    real_.lock_shared();
    return;
  }
  const TaskId me = e->current_task();
  const ObjectId id = binding_.id();
  if (!e->aborting()) {
    const std::string rw = "rwlock " + e->object_name(id);
    if (writer_ == me) return misuse(*e, "locks " + rw + " shared while holding it exclusively", where);
    if (reading(me)) {
      return misuse(*e,
                    "locks " + rw + " shared again while holding it shared: undefined for std::shared_mutex, and "
                    "a deadlock as soon as a writer waits in between when writers are preferred",
                    where);
    }
  }
  e->enlist(readers_waiting_, me, Waiting{OpKind::LockShared, id, no_task, where});
  refresh(*e);
  e->schedule(OpKind::LockShared, id, where);
  e->delist(readers_waiting_, me);
  take_shared(*e, where);
  e->publish(OpKind::LockShared, id, where);
}

bool RwLock::try_lock_shared(Location where) {
  Execution* e = bind();
  if (e == nullptr) return real_.try_lock_shared();
  const TaskId me = e->current_task();
  const ObjectId id = binding_.id();
  if (!e->aborting() && (reading(me) || writer_ == me)) {
    misuse(*e, "calls try_lock_shared on rwlock " + e->object_name(id) + ", which it already holds", where);
    return false;
  }
  e->schedule(OpKind::TryLockShared, id, where);
  const bool ok = can_read() && !e->aborting();
  if (ok) take_shared(*e, where);
  e->publish(OpKind::TryLockShared, id, where, {}, no_task, ok);
  return ok;
}

void RwLock::unlock_shared(Location where) {
  Execution* e = bind();
  if (e == nullptr) {
    real_.unlock_shared();
    return;
  }
  const TaskId me = e->current_task();
  const auto at = std::find(readers_.begin(), readers_.end(), me);
  if (at == readers_.end()) {
    if (e->aborting()) return;
    return misuse(*e, "calls unlock_shared on rwlock " + e->object_name(binding_.id()) + ", which it does not hold shared", where);
  }
  readers_.erase(at);
  refresh(*e);
  e->publish(OpKind::UnlockShared, binding_.id(), where);
}

}  // namespace sim
