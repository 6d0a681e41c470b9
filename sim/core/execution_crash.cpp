// Execution: a task's fatal signal turned into a finding (crash_guard.hpp tells how), and a
// simulation started inside another.
#include <signal.h>
#include <unistd.h>

#include <string>

#include "sim/core/execution_task.hpp"
#include "sim/core/monitor.hpp"
#include "sim/core/signal_text.hpp"

namespace sim {

namespace {

// A frame this far below its stack's guard region is still taken for an overflow (further
// than that, the stack pointer is garbage rather than a large frame).
constexpr std::size_t largest_frame = std::size_t{1} << 30;

std::string_view signal_name(int signal) {
  switch (signal) {
    case SIGSEGV: return "SIGSEGV";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGILL: return "SIGILL";
    case SIGABRT: return "SIGABRT";
    default: return "a signal";
  }
}

std::string what_happened(const Execution::Fault& f) {
  switch (f.signal) {
    case SIGSEGV:
      return reinterpret_cast<std::uintptr_t>(f.address) < 4096 ? "an access through a null pointer"
                                                                 : "an access to memory it may not touch (a dangling or wild pointer?)";
    case SIGBUS: return "a bus error (memory that cannot be accessed, such as a mapped file past its end)";
    case SIGFPE:
      if (f.code == FPE_INTDIV) return "an integer division by zero";
      if (f.code == FPE_INTOVF) return "an integer overflow (the smallest integer divided by -1?)";
      return "an arithmetic exception";
    case SIGILL: return "an illegal instruction (__builtin_trap(), or a jump to garbage)";
    case SIGABRT: return "abort(): a failed assert, std::terminate or a direct call (the message on standard error says which)";
    default: return "a fatal signal";
  }
}

// The monitor times a rescue from when it sees this set (monitor.hpp).
void set_rescuing(bool on) {
  if (detail::ThreadWatch* w = detail::this_thread_watch_if_any()) w->rescuing.store(on, std::memory_order_relaxed);
}

}  // namespace

void Execution::take_fault(const Fault& fault) {
  if (limits_.crashes == ExecutionLimits::Crashes::Die) return;
  if (rescuing_) report_unrescued();  // a fault while rescuing: nothing left to trust
  const TaskId t = current_task_;
  if (t == no_task || index(t) >= task_count_ || states_[index(t)] == TaskState::Finished) return;
  const Fiber& fiber = *fibers_[index(t)];
  const std::size_t below = fiber.below_guard(fault.stack_pointer);
  if (!fiber.owns_stack_pointer(fault.stack_pointer) && (below == 0 || below > largest_frame)) return;
  const bool memory = fault.signal == SIGSEGV || fault.signal == SIGBUS;
  crash_ = Crash{fault, t, memory && (below > 0 || fiber.past_end(fault.stack_pointer) || fiber.guard_contains(fault.address))};
  rescuing_ = true;
  set_rescuing(true);
  // The handler never returns, so the signal it blocked must be let through again here.
  sigset_t blocked;
  sigemptyset(&blocked);
  sigaddset(&blocked, fault.signal);
  ::pthread_sigmask(SIG_UNBLOCK, &blocked, nullptr);
  rescue_->reset();
  Fiber::abandon_to(*rescue_);
}

void Execution::rescue_entry(void* self) { static_cast<Execution*>(self)->rescue(); }

// On the rescue fiber: the crashed task ends here, as a task that failed.
void Execution::rescue() {
  const TaskId t = crash_.task;
  task(t).crashed = true;
  crashed_ = true;
  {
    std::vector<std::string> details;
    if (crash_.overflow) {
      details.push_back("raise ExecutionLimits::stack_size (now " + std::to_string(limits_.stack_size / 1024) +
                        " KiB); a frame larger than that can jump past the guard region below the stack: compile "
                        "with -fstack-clash-protection to have it caught as well");
    }
    details.push_back("the task's frames were dropped, not unwound: their destructors did not run, and what they owned is leaked");
    // A task that crashed before its first visible operation is placed where it was spawned.
    const Location last = pending_[index(t)].where;
    record(crash_.overflow ? FailureKind::StackOverflow : FailureKind::Crash, describe_crash(),
           last.line != 0 ? last : task(t).info.spawned_at, std::move(details));
    abort_reason_.clear();
  }
  set_state(t, TaskState::Finished);
  --unfinished_;
  rescuing_ = false;
  set_rescuing(false);
  Fiber& mine = *rescue_;
  // Being unwound for another task's finding: back to it. Else unwind the others, youngest first.
  if (return_to_ != nullptr) {
    Fiber::switch_to(mine, *return_to_);
  } else {
    stop_next(mine);
  }
  internal_error("a finished rescue was resumed");
}

std::string Execution::describe_crash() const {
  const std::string& who = task_name(crash_.task);
  if (crash_.overflow) {
    return who + " overflowed its stack (" + std::to_string(limits_.stack_size / 1024) +
           " KiB): endless recursion, or a frame too large for the stack";
  }
  const std::string what = crash_.fault.signal == SIGABRT && !abort_reason_.empty() ? abort_reason_ : what_happened(crash_.fault);
  return who + " crashed with " + std::string(signal_name(crash_.fault.signal)) + ": " + what;
}

bool Execution::explain_abort(std::string why) {
  if (limits_.crashes == ExecutionLimits::Crashes::Die || rescuing_) return false;
  const TaskId t = current_task_;
  if (t == no_task || index(t) >= task_count_ || states_[index(t)] == TaskState::Finished) return false;
  abort_reason_ = std::move(why);
  return true;
}

void Execution::reset_crashed() {
  for (auto& t : tasks_) {
    if (!t->crashed) continue;
    t->fiber->reset();
    t->crashed = false;
  }
  crashed_ = false;
}

void Execution::report_unrescued() const {
  detail::SignalText out(STDERR_FILENO);
  const TaskId t = crash_.task;
  out.text("interleave: task ").text(task_name(t)).text(" crashed with ").text(signal_name(crash_.fault.signal))
      .text(", and ending it did not finish: the crash left the C library in a state the process cannot go on "
            "from (an abort or a fault inside malloc, on a corrupted heap?), so the process ends here. Its last "
            "visible operation was at ")
      .place(pending_[index(t)].where)
      .text(".\n  replay token of the schedule so far: ").token(schedule_)
      .text("\n");
  out.flush();
  detail::end_process(3);
}

void detail::report_unrescued() {
  if (const Execution* e = Execution::current()) e->report_unrescued();
}

void Execution::nested_simulation() {
  fail(FailureKind::ApiMisuse,
       task_name(current_task_) +
           " started a simulation inside this one (sim::check_random, sim::explore, sim::replay or a Runner called "
           "from a task): one OS thread runs one simulation at a time; start it outside, or call the inner body directly",
       pending_[index(current_task_)].where);
}

}  // namespace sim
