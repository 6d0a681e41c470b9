// Watchdog: the time limit given to the monitor, and the report of a task stuck between steps.
#include "sim/core/watchdog.hpp"

#include <sys/syscall.h>
#include <unistd.h>

#include <string_view>

#include "sim/core/crash_guard.hpp"
#include "sim/core/execution.hpp"
#include "sim/core/monitor.hpp"
#include "sim/core/signal_text.hpp"

namespace sim {

namespace {

// The execution and step count the handler saw last on this thread (only the handler uses them).
constinit thread_local std::uint64_t t_seen_epoch = 0;
constinit thread_local std::uint32_t t_seen_steps = 0;

// What a blocking system call usually stands for in code under test.
std::string_view blocking_call(long call) {
  switch (call) {
    case SYS_futex: return "futex: a std::mutex, std::condition_variable or other lock or wait of the C++ or C library";
    case SYS_nanosleep:
    case SYS_clock_nanosleep: return "a real sleep";
    case SYS_read:
    case SYS_readv:
    case SYS_recvfrom:
    case SYS_recvmsg: return "a read, waiting for input";
    case SYS_write:
    case SYS_writev:
    case SYS_sendto: return "a write, waiting for its reader";
    case SYS_wait4:
    case SYS_waitid: return "waiting for a child process";
    case SYS_ppoll:
    case SYS_pselect6:
    case SYS_epoll_pwait: return "waiting for a file descriptor";
#ifdef SYS_poll
    case SYS_poll:
    case SYS_select:
    case SYS_epoll_wait: return "waiting for a file descriptor";
#endif
    default: return "a blocking system call";
  }
}

// "Its last visible operation was at f:12 (step 7)", or where the task began when it has none.
void last_place(detail::SignalText& out, const Execution& e, TaskId t) {
  const Location where = e.pending(t).where;
  if (where.line != 0) {
    out.text(" Its last visible operation was at ").place(where).text(" (step ").number(e.steps()).text(").");
    return;
  }
  const Location spawned = e.task_info(t).spawned_at;
  if (spawned.line == 0) {
    out.text(" It has taken no visible operation since the execution began.");
  } else {
    out.text(" It has taken no visible operation since it was spawned at ").place(spawned).text(".");
  }
}

}  // namespace

Watchdog::Watchdog(double time_limit, double grace) {
  install_crash_guard();
  // Inside a simulation (a nested run, refused as ApiMisuse) the clock may be a virtual one.
  if (!(time_limit > 0) || Execution::current() != nullptr) return;
  detail::ThreadWatch& w = detail::this_thread_watch();
  t_seen_epoch = 0;
  w.grace_ns.store(static_cast<std::int64_t>(grace * 1e9), std::memory_order_relaxed);
  w.limit_ns.store(static_cast<std::int64_t>(time_limit * 1e9), std::memory_order_relaxed);
  w.limit_at.store(detail::monotonic_ns() + static_cast<std::int64_t>(time_limit * 1e9), std::memory_order_relaxed);
  armed_ = true;
}

Watchdog::~Watchdog() {
  if (armed_) detail::this_thread_watch().limit_at.store(0, std::memory_order_relaxed);
}

// Async-signal-safe: called by the monitor's signal handler on the watched thread.
void detail::report_stuck(ThreadWatch& watch) {
  const Execution* e = Execution::current();
  if (e == nullptr) return;  // between executions: the budget check there ends the run
  if (e->epoch() != t_seen_epoch || e->steps() != t_seen_steps) {
    t_seen_epoch = e->epoch();
    t_seen_steps = e->steps();
    return;
  }
  const TaskId t = e->current_task();
  SignalText out(STDERR_FILENO);
  out.text("interleave: ");
  if (watch.reason.load(std::memory_order_relaxed) == WatchReason::Blocked) {
    out.text("task ").text(e->task_name(t)).text(" is blocked in the operating system (")
        .text(blocking_call(watch.syscall.load(std::memory_order_relaxed)))
        .text("), outside the model: the simulation runs every task on this one OS thread and cannot see or end "
              "that wait, so nothing will wake it. Wait with the sim:: primitives (or build the code with the std:: "
              "front end) instead.");
  } else if (e->steps() == 0) {
    out.text("the time budget (").seconds(static_cast<double>(watch.limit_ns.load(std::memory_order_relaxed)) / 1e9)
        .text(" s) ran out before the execution's first visible operation: task ").text(e->task_name(t))
        .text(" is still starting (building a very large state, or looping before its first step?).");
  } else {
    out.text("the time budget (").seconds(static_cast<double>(watch.limit_ns.load(std::memory_order_relaxed)) / 1e9)
        .text(" s) ran out while task ").text(e->task_name(t))
        .text(" took no visible operation: an endless loop without a scheduling point?");
  }
  last_place(out, *e, t);
  out.text(" A task cannot be stopped between operations, so the process ends here.\n"
           "  replay token of the schedule so far: ").token(e->schedule_so_far()).text("\n");
  out.flush();
  detail::end_process(3);
}

}  // namespace sim
