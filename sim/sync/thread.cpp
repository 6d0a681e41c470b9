// Thread: joining, detaching and misuse checks.
#include "sim/sync/thread.hpp"

#include <exception>

#include "sim/real/real_runner.hpp"

namespace sim {

Thread::Thread(Thread&& other) noexcept
    : real_(std::move(other.real_)),
      exec_(std::exchange(other.exec_, nullptr)),
      epoch_(other.epoch_),
      task_(std::exchange(other.task_, no_task)),
      spawned_(other.spawned_) {}

Thread& Thread::operator=(Thread&& other) noexcept {
  if (this != &other) {
    if (joinable()) misuse("was overwritten while still joinable (join or detach it first)", spawned_);
    real_ = std::move(other.real_);
    exec_ = std::exchange(other.exec_, nullptr);
    epoch_ = other.epoch_;
    task_ = std::exchange(other.task_, no_task);
    spawned_ = other.spawned_;
  }
  return *this;
}

Thread::~Thread() {
  if (task_ == no_task || exec_ != Execution::current() || exec_->epoch() != epoch_) return;
  destroyed_joinable();
}

void Thread::destroyed_joinable() {
  if (std::uncaught_exceptions() > 0) {
    // An exception is leaving the scope (it is reported if it leaves the task): stop the
    // thread before the frames it may use are gone.
    exec_->close_handle(task_);
    exec_->stop_younger();
    return;
  }
  misuse("was destroyed while still joinable (join or detach it first)", spawned_);
}

bool Thread::joinable() const { return task_ != no_task || real_.joinable(); }

void Thread::misuse(const char* what, Location where) {
  Execution* e = exec_;
  if (e == nullptr || e != Execution::current() || e->epoch() != epoch_ || e->aborting()) return;
  std::string who = e->task_name(task_);
  e->close_handle(task_);
  task_ = no_task;
  e->fail_later(FailureKind::ThreadMisuse, "thread " + who + " " + what, where);
}

void Thread::join(Location where) {
  if (real_.joinable()) {
    real_.join();
    return;
  }
  Execution* e = Execution::current();
  if (e == nullptr) return;
  if (task_ == no_task || exec_ != e || epoch_ != e->epoch()) [[unlikely]] {
    not_joinable(*e, where);
    return;
  }
  TaskId t = std::exchange(task_, no_task);
  e->close_handle(t);
  e->join(t, where);
}

void Thread::not_joinable(Execution& e, Location where) {
  e.fail(FailureKind::ThreadMisuse, "join on a thread that is not joinable (never started, already joined or detached)", where);
}

void Thread::detach() {
  if (real_.joinable()) real_.detach();
  Execution* e = Execution::current();
  if (task_ != no_task && e != nullptr && e == exec_ && e->epoch() == epoch_) e->close_handle(task_);
  task_ = no_task;
}

void yield(Location where) {
  Execution* e = Execution::current();
  if (e == nullptr) {
    std::this_thread::yield();
    return;
  }
  e->schedule(OpKind::Yield, no_object, where);
  e->publish(OpKind::Yield, no_object, where);
}

}  // namespace sim
