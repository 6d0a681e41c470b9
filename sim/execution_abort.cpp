// Execution: fatal findings, and stopping an execution by unwinding its tasks.
#include <cxxabi.h>

#include <cstdlib>
#include <memory>
#include <typeinfo>

#include "sim/execution_task.hpp"

namespace sim {

std::string describe_exception(const std::exception& e) {
  const char* mangled = typeid(e).name();
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> name(abi::__cxa_demangle(mangled, nullptr, nullptr, &status), std::free);
  std::string type = (status == 0 && name) ? name.get() : mangled;
  return type + ": " + e.what();
}

void Execution::abort_point(OpKind kind) {
  // A task that is already unwinding (its destructors call primitives) is let through; so are
  // operations that only release something, since they may run in a destructor that must not throw.
  if (std::uncaught_exceptions() > 0) return;
  switch (kind) {
    case OpKind::Unlock:
    case OpKind::Notify:
    case OpKind::NotifyAll:
    case OpKind::Join:
    case OpKind::Finish:
      return;
    default:
      throw detail::Abort{};
  }
}

void Execution::step_limit() {
  fail(FailureKind::StepLimit,
       "execution ran " + std::to_string(limits_.max_steps) +
           " steps without finishing: an endless loop or a livelock (the last steps show what repeats)",
       pending_[index(current_task_)].where);
}

void Execution::record(FailureKind kind, std::string message, Location where,
                       std::vector<std::string> details) {
  if (failure_) return;
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
    stop_others(task(current_task_).worker->fiber);
  }
  if (std::uncaught_exceptions() == 0) throw detail::Abort{};
}

void Execution::fail_later(FailureKind kind, std::string message, Location where) {
  if (aborting_) return;
  record(kind, std::move(message), where, {});
  stop_others(task(current_task_).worker->fiber);
}

void Execution::uncaught(std::string message) {
  if (aborting_) return;
  record(FailureKind::UncaughtException, task_name(current_task_) + " threw " + message,
         pending_[index(current_task_)].where, {});
  stop_others(task(current_task_).worker->fiber);
}

void Execution::stop_others(Fiber& mine) {
  const TaskId self = current_task_;
  for (std::uint32_t i = 0; i < task_count_; ++i) {
    Task& u = *tasks_[i];
    if (TaskId{i} == self || states_[i] == TaskState::Finished) continue;
    if (!u.started) {
      u.body.reset();
      set_state(TaskId{i}, TaskState::Finished);
      idle_.push_back(u.worker);
      u.worker = nullptr;
      --unfinished_;
      continue;
    }
    // The task wakes up inside its scheduling point, sees the execution stopping, and unwinds.
    return_to_ = &mine;
    current_task_ = TaskId{i};
    Fiber::switch_to(mine, u.worker->fiber);
  }
  current_task_ = self;
  return_to_ = nullptr;
}

std::string Execution::describe_wait(TaskId t) const {
  const Task& x = task(t);
  const Waiting& w = x.waiting;
  const std::string at = " (at " + to_string(w.where) + ")";
  const std::string holder = w.holder == no_task ? std::string("nobody") : task_name(w.holder);
  switch (w.kind) {
    case OpKind::Lock:
      return x.info.name + " waits to lock " + object_name(w.object) + ", held by " + holder + at;
    case OpKind::Join:
      return x.info.name + " waits to join " + holder + ", which is blocked" + at;
    case OpKind::Wait:
      return x.info.name + " waits on " + object_name(w.object) + " for a notify that never comes" + at;
    default:
      return x.info.name + " is blocked in " + std::string(to_string(w.kind)) + " on " + object_name(w.object) + at;
  }
}

void Execution::deadlock(Fiber& mine) {
  std::vector<std::string> details;
  for (std::uint32_t i = 0; i < task_count_; ++i) {
    if (states_[i] == TaskState::Blocked) details.push_back(describe_wait(TaskId{i}));
  }
  std::string message = "deadlock: " + std::to_string(details.size()) +
                        (details.size() == 1 ? " task is" : " tasks are") + " blocked and none can run";
  record(FailureKind::Deadlock, std::move(message), pending_[index(current_task_)].where, std::move(details));
  stop_others(mine);
}

}  // namespace sim
