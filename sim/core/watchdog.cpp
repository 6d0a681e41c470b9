// Watchdog: the timer thread, and the signal handler that reports a task stuck between steps.
#include "sim/core/watchdog.hpp"

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <string>

#include "sim/core/execution.hpp"
#include "sim/core/stack_guard.hpp"

namespace sim {

namespace {

const int watch_signal = SIGRTMIN + 4;

// The execution and step count the handler saw last on this thread.
thread_local std::uint64_t t_seen_epoch = 0;
thread_local std::uint32_t t_seen_steps = 0;
thread_local double t_budget = 0;

void on_watch(int) {
  const Execution* e = Execution::current();
  if (e == nullptr) return;  // between executions: the budget check there ends the run
  if (e->epoch() != t_seen_epoch || e->steps() != t_seen_steps) {
    t_seen_epoch = e->epoch();
    t_seen_steps = e->steps();
    return;
  }
  // The process is ending; formatting here is a last resort, not async-signal-safe.
  const TaskId t = e->current_task();
  const Location where = e->pending(t).where;
  detail::write_stderr("interleave: the time budget (" + std::to_string(t_budget) + " s) ran out while task " + e->task_name(t) +
            " took no visible operation: an endless loop without a scheduling point? Its last visible operation was at " +
            std::string(where.file) + ":" + std::to_string(where.line) + " (step " + std::to_string(e->steps()) +
            "); a task cannot be stopped between operations, so the process ends here.\n  replay token of the schedule so far: " +
            e->schedule_so_far().encode() + "\n");
  ::_exit(3);
}

}  // namespace

Watchdog::Watchdog(double time_limit, double grace) : target_(::pthread_self()) {
  if (time_limit <= 0) return;
  t_seen_epoch = 0;
  t_budget = time_limit;
  struct sigaction action;
  std::memset(&action, 0, sizeof action);
  action.sa_handler = &on_watch;
  action.sa_flags = SA_RESTART | SA_ONSTACK;
  sigemptyset(&action.sa_mask);
  ::sigaction(watch_signal, &action, nullptr);
  thread_ = std::thread([this, time_limit, grace] { watch(time_limit, grace); });
}

Watchdog::~Watchdog() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void Watchdog::watch(double time_limit, double grace) {
  std::unique_lock lock(mutex_);
  auto wait = std::chrono::duration<double>(time_limit);
  while (!wake_.wait_for(lock, wait, [this] { return stop_; })) {
    ::pthread_kill(target_, watch_signal);
    wait = std::chrono::duration<double>(grace);
  }
}

}  // namespace sim
