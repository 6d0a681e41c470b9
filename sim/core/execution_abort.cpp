// Execution: fatal findings, and stopping an execution by unwinding its tasks.
#include <utility>

#include "sim/core/execution_task.hpp"
#include "sim/core/op_traits.hpp"
#include "sim/core/watched.hpp"

namespace sim {

void Execution::abort_point(OpKind kind) {
  // A task that is already unwinding (its destructors call primitives) is let through; so are
  // operations that only release something, since they may run in a destructor that must not throw.
  if (std::uncaught_exceptions() > 0 || traits(kind).releases) return;
  if (stop_by_ == StopBy::Abandon) abandon_current();
  throw detail::Abort{};
}

void Execution::step_limit() {
  fail(FailureKind::StepLimit,
       "execution ran " + std::to_string(limits_.max_steps) +
           " steps without finishing: an endless loop or a livelock (the last steps show what repeats; the limit is "
           "ExecutionLimits::max_steps, --max-steps in interleave)",
       pending_[index(current_task_)].where);
}

void Execution::record(FailureKind kind, std::string message, Location where,
                       std::vector<std::string> details) {
  if (failure_) return;
  const detail::Unwatched unwatched;
  Failure& f = failure_.emplace();
  f.kind = kind;
  f.message = std::move(message);
  f.details = std::move(details);
  f.task = current_task_;
  f.task_name = task_name(current_task_);
  f.where = where;
  aborting_ = true;
}

void Execution::fail(FailureKind kind, std::string message, Location where,
                     std::vector<std::string> details) {
  if (!aborting_) {
    record(kind, std::move(message), where, std::move(details));
    stop_above(*task(current_task_).fiber);
  }
  if (stop_by_ == StopBy::Abandon) abandon_current();
  if (std::uncaught_exceptions() == 0) throw detail::Abort{};
}

void Execution::stop_short() {
  if (!aborting_) {
    aborting_ = true;
    stopped_short_ = true;
    stop_above(*task(current_task_).fiber);
  }
  if (stop_by_ == StopBy::Abandon) abandon_current();
  if (std::uncaught_exceptions() == 0) throw detail::Abort{};
}

void Execution::fail_later(FailureKind kind, std::string message, Location where) {
  if (aborting_) return;
  record(kind, std::move(message), where, {});
  stop_above(*task(current_task_).fiber);
}

void Execution::stop_younger() {
  if (aborting_) return;
  aborting_ = true;
  stop_above(*task(current_task_).fiber);
  aborting_ = false;
}

void Execution::note_thrown(Task& t) {
  try {
    throw;
  } catch (const std::exception& e) {
    t.thrown = describe_exception(e);
  } catch (...) {
    t.thrown = "an exception of unknown type";
  }
}

void Execution::uncaught(Task& t) {
  const std::string message = std::exchange(t.thrown, {});
  if (aborting_) return;
  // The task's own frames are gone; finish_current() stops the others, youngest first.
  record(FailureKind::UncaughtException, task_name(current_task_) + " threw " + message,
         pending_[index(current_task_)].where, {});
}

void Execution::stop_above(Fiber& mine) {
  const TaskId self = current_task_;
  for (std::uint32_t i = static_cast<std::uint32_t>(task_count_); i-- > index(self) + 1;) {
    if (states_[i] == TaskState::Finished) continue;
    Task& u = *tasks_[i];
    if (stop_by_ == StopBy::Abandon) {
      abandon(i);
      continue;
    }
    if (!u.started) {
      u.body.reset();
      set_state(TaskId{i}, TaskState::Finished);
      --unfinished_;
      continue;
    }
    // The task wakes up inside its scheduling point, sees the execution stopping, and unwinds.
    return_to_ = &mine;
    current_task_ = TaskId{i};
    Fiber::switch_to(mine, *u.fiber);
  }
  current_task_ = self;
  return_to_ = nullptr;
}

void Execution::stop_next(Fiber& mine) {
  for (std::uint32_t i = static_cast<std::uint32_t>(task_count_); i-- > 0;) {
    if (states_[i] == TaskState::Finished) continue;
    Task& u = *tasks_[i];
    if (stop_by_ == StopBy::Abandon) {
      abandon(i);
      continue;
    }
    if (!u.started) {
      u.body.reset();
      set_state(TaskId{i}, TaskState::Finished);
      --unfinished_;
      continue;
    }
    current_task_ = TaskId{i};
    Fiber::switch_to(mine, *u.fiber);
    return;
  }
  Fiber::switch_to(mine, *home_);
}

void Execution::abandon(std::uint32_t i) {
  Task& u = *tasks_[i];
  u.body.reset();
  set_state(TaskId{i}, TaskState::Finished);
  --unfinished_;
  if (!u.started) return;
  // Its frames are never resumed: the old stack goes, and the slot gets a fresh fiber.
  u.fiber = std::make_unique<Fiber>(&Task::entry, &u, limits_.stack_size);
  fibers_[i] = u.fiber.get();
}

void Execution::abandon_current() {
  const std::uint32_t me = index(current_task_);
  Task& t = *tasks_[me];
  // This fiber's stack is the one in use: it is freed once control is back home.
  abandoned_.push_back(std::move(t.fiber));
  Fiber& mine = *abandoned_.back();
  t.fiber = std::make_unique<Fiber>(&Task::entry, &t, limits_.stack_size);
  fibers_[me] = t.fiber.get();
  aborting_ = true;
  t.body.reset();
  set_state(current_task_, TaskState::Finished);
  --unfinished_;
  for (std::uint32_t i = static_cast<std::uint32_t>(task_count_); i-- > 0;) {
    if (states_[i] != TaskState::Finished) abandon(i);
  }
  Fiber::switch_to(mine, *home_);
  internal_error("an abandoned task was resumed");
}

void Execution::open_handle(TaskId t) {
  task(t).handle_open = true;
  ++open_handles_;
}

void Execution::close_handle(TaskId t) {
  Task& x = task(t);
  if (!x.handle_open) return;
  x.handle_open = false;
  --open_handles_;
}

void Execution::leaked_handles() {
  for (std::uint32_t i = 0; i < task_count_; ++i) {
    if (!tasks_[i]->handle_open) continue;
    const Task& x = *tasks_[i];
    record(FailureKind::ThreadMisuse,
           "thread " + x.info.name + " was neither joined nor detached when the execution ended: its sim::Thread "
           "outlived the execution (made with new and never deleted, or kept in a static?)",
           x.info.spawned_at, {});
    failure_->task = TaskId{i};
    failure_->task_name = x.info.name;
    return;
  }
}

std::string Execution::describe_wait(TaskId t) const {
  const Task& x = task(t);
  const Waiting& w = waiting_[index(t)];
  const std::string at = " (at " + to_string(w.where) + ")";
  TaskId who = w.kind == OpKind::Lock ? holders_[index(w.object)] : w.holder;
  const std::string holder = who == no_task ? std::string("nobody") : task_name(who);
  switch (w.kind) {
    case OpKind::Lock:
      return x.info.name + " waits to lock " + object_name(w.object) + ", held by " + holder + at;
    case OpKind::Join:
      return x.info.name + " waits to join " + holder +
             (who == no_task                          ? ", which is blocked"
              : spins_[index(who)].parked             ? ", which spins"
              : states_[index(who)] == TaskState::Runnable ? ", which never finishes"
                                                      : ", which is blocked") + at;
    case OpKind::Wait:
      return x.info.name + " waits on " + object_name(w.object) + " for a notify that never comes" + at;
    // The concurrency toolbox (sim/sync/rwlock.hpp ... sim/sync/async.hpp).
    case OpKind::LockShared: {
      const TaskId h = holders_[index(w.object)];
      return x.info.name + " waits to lock " + object_name(w.object) + " shared, held by " +
             (h == no_task ? std::string("nobody") : task_name(h)) + at;
    }
    case OpKind::Acquire:
      return x.info.name + " waits to acquire semaphore " + object_name(w.object) + ", which nobody releases" + at;
    case OpKind::Pass:
      return objects_[index(w.object)].kind == ObjectKind::Barrier
                 ? x.info.name + " waits at barrier " + object_name(w.object) + " for arrivals that never come" + at
                 : x.info.name + " waits for latch " + object_name(w.object) + " to count down to zero, which it never does" + at;
    case OpKind::Send:
      return x.info.name + " waits to send on channel " + object_name(w.object) + ", which nobody receives from" + at;
    case OpKind::Recv:
      return x.info.name + " waits to receive on channel " + object_name(w.object) + ", which nobody will send to" + at;
    case OpKind::Select:
      return x.info.name + " waits in " + object_name(w.object) + ", none of which will ever be ready" + at;
    case OpKind::Get:
      return x.info.name + " waits to get future " + object_name(w.object) + ", which nobody sets" + at;
    case OpKind::WaitAny:
      return x.info.name + " waits in " + object_name(w.object) + " for a future to complete, which none does" + at;
    case OpKind::Resume:
      return x.info.name + " waits in event loop " + object_name(w.object) +
             " for a coroutine to be woken (by a future, a channel or a timer), which nothing does" + at;
    case OpKind::FutexWoken:
      return x.info.name + " waits on futex " + object_name(w.object) + " for a wake that never comes" + at;
    // Kinds no task waits in (a blocked task announced one only if a primitive says so).
    case OpKind::Spawn: case OpKind::Start: case OpKind::Yield: case OpKind::Read: case OpKind::Write:
    case OpKind::AtomicLoad: case OpKind::AtomicStore: case OpKind::AtomicRmw: case OpKind::TryLock:
    case OpKind::Unlock: case OpKind::Wake: case OpKind::Notify: case OpKind::NotifyAll: case OpKind::Sleep:
    case OpKind::Finish: case OpKind::Print: case OpKind::TryLockShared: case OpKind::UnlockShared:
    case OpKind::TryAcquire: case OpKind::Release: case OpKind::Arrive: case OpKind::Open: case OpKind::Close:
    case OpKind::Set: case OpKind::FutexWait: case OpKind::FutexWake: case OpKind::Fence:
      break;
  }
  return x.info.name + " is blocked in " + std::string(to_string(w.kind)) + " on " + object_name(w.object) + at;
}

void Execution::record_deadlock() {
  // Nobody can run because the strategy ended the execution (pruned, or with its own finding).
  if (pruned_ || failure_) return;
  const detail::Unwatched unwatched;
  std::vector<std::string> details;
  std::vector<Blocked> blocked;
  for (std::uint32_t i = 0; i < task_count_; ++i) {
    if (states_[i] != TaskState::Blocked) continue;
    details.push_back(describe_wait(TaskId{i}));
    const Waiting& w = waiting_[i];
    const bool held = w.kind == OpKind::Lock || w.kind == OpKind::LockShared;
    blocked.push_back({TaskId{i}, w.kind, w.object, held ? holders_[index(w.object)] : w.holder, w.where});
  }
  std::string message = details.size() == 1 ? std::string("the only unfinished task is blocked")
                                             : std::to_string(details.size()) + " tasks are blocked and none can run";
  record(FailureKind::Deadlock, std::move(message), pending_[index(current_task_)].where, std::move(details));
  if (failure_->kind == FailureKind::Deadlock) failure_->blocked = std::move(blocked);
}

}  // namespace sim
