// FutureCore: setting once, waiting, broken promises and continuations, in both modes.
#include "sim/sync/future_core.hpp"

#include <algorithm>
#include <future>

namespace sim::detail {

void FutureCore::bind(Execution& e) {
  // The value survives a rebinding; only who waits is per execution.
  if (binding_.bind(e, ObjectKind::Future, name_, created_)) waiters_ = WaitList{};
}

bool FutureCore::begin_set(std::unique_lock<std::mutex>& lock, Location where) {
  Execution* e = Execution::current();
  if (e == nullptr) {
    lock = std::unique_lock<std::mutex>(mutex_);
    if (ready_) throw std::future_error(std::future_errc::promise_already_satisfied);
    return true;
  }
  bind(*e);
  e->schedule(OpKind::Set, id(), where);
  if (e->aborting()) return false;
  if (ready_) {
    e->fail(FailureKind::FutureMisuse,
            e->task_name(e->current_task()) + " sets promise " + e->object_name(id()) + " a second time (first set by " +
                (set_by_ == no_task ? std::string("?") : e->task_name(set_by_)) + " at " + to_string(set_at_) +
                "): a promise is set once",
            where);
    return false;
  }
  return true;
}

void FutureCore::finish_set(Location where, ValueRef value) { complete(Execution::current(), where, value); }

void FutureCore::complete(Execution* e, Location where, ValueRef value) {
  ready_ = true;
  set_at_ = where;
  if (e != nullptr) {
    set_by_ = e->current_task();
    e->unblock_all(waiters_);
    e->publish(OpKind::Set, id(), where, value);
  } else {
    set_.notify_all();
  }
  // Continuations run where the value was set, after it is visible.
  std::vector<Continuation> run = std::move(continuations_);
  continuations_.clear();
  for (const Continuation& c : run) c.run(c.context);
}

void FutureCore::abandon() {
  Execution* e = Execution::current();
  std::unique_lock<std::mutex> lock;
  if (e == nullptr) {
    lock = std::unique_lock<std::mutex>(mutex_);
  } else {
    bind(*e);
  }
  if (ready_ || !retrieved_) return;
  // Not a scheduling point (destructors must not switch); like an unlock, it only releases.
  error = std::make_exception_ptr(std::future_error(std::future_errc::broken_promise));
  complete(e, created_, {});
}

void FutureCore::retrieve(Location where) {
  Execution* e = Execution::current();
  if (!retrieved_) {
    retrieved_ = true;
    return;
  }
  if (e == nullptr) throw std::future_error(std::future_errc::future_already_retrieved);
  bind(*e);
  e->fail(FailureKind::FutureMisuse,
          e->task_name(e->current_task()) + " calls get_future on promise " + e->object_name(id()) +
              " a second time: a promise has one future",
          where);
}

void FutureCore::wait(Location where, bool take) {
  Execution* e = Execution::current();
  if (e == nullptr) {
    std::unique_lock<std::mutex> lock(mutex_);
    set_.wait(lock, [&] { return ready_; });
    return;
  }
  bind(*e);
  const TaskId me = e->current_task();
  e->enlist(waiters_, me, Waiting{OpKind::Get, id(), no_task, where});
  if (!ready_) e->block(me);
  e->schedule(OpKind::Get, id(), where);
  e->delist(waiters_, me);
  e->publish(OpKind::Get, id(), where, {}, set_by_, take);
}

void FutureCore::no_state(Location where) {
  if (Execution* e = Execution::current()) {
    e->fail(FailureKind::FutureMisuse,
            e->task_name(e->current_task()) +
                " reads a future with no state: get() already took its value (a future is read once), or it "
                "never came from a promise",
            where);
  }
}

void FutureCore::on_ready(Continuation c) {
  std::unique_lock<std::mutex> lock;
  if (Execution::current() == nullptr) lock = std::unique_lock<std::mutex>(mutex_);
  if (!ready_) {
    continuations_.push_back(c);
    return;
  }
  if (lock.owns_lock()) lock.unlock();
  c.run(c.context);
}

void FutureCore::forget(void* context) {
  std::unique_lock<std::mutex> lock;
  if (Execution::current() == nullptr) lock = std::unique_lock<std::mutex>(mutex_);
  std::erase_if(continuations_, [context](const Continuation& c) { return c.context == context; });
}

}  // namespace sim::detail
