// Crash guard: a task's fatal signal (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, a stack
// overflow) becomes a finding of its execution instead of the end of the process.
//
// How this works: a handler for those signals runs on an alternate signal stack (one per
// thread: a stack overflow leaves no room on the task's own). If the signal came from the
// running task of this thread's execution (the stack pointer is on that task's fiber stack, or
// past its end in the guard region), the handler notes the signal, unblocks it and jumps, for
// good, to a rescue fiber of the execution (Fiber::abandon_to): the crashed task's frames are
// dropped without being unwound (their destructors never run; what they owned leaks), the
// task counts as finished, the finding (FailureKind::Crash or StackOverflow) is recorded and
// the other tasks are unwound as for any fatal finding. The execution then ends normally, so
// the Runner replays its token, tells its story, and goes on. Any other signal goes to the
// handler that was there before (the default action, a sanitizer's, a test framework's).
//
// The rescue allocates, which deadlocks if the crash left a lock of the C library held (an
// abort inside malloc on a corrupted heap): the monitor (monitor.hpp) gives a rescue two
// seconds, then has the thread print an async-signal-safe report and exit with code 3.
// This is signal-handler recovery, not a forked worker: it costs nothing per execution
// (docs/crashes.md has the measurements and the limits).
#pragma once

namespace sim {

// Installs the handlers and this thread's alternate signal stack, or puts them back if something
// (a test framework's own fault handler) replaced them. Execution and Watchdog call it.
void install_crash_guard();

namespace detail {
// Called before abort() on purpose (internal errors): the handler lets the process die.
void let_abort_through();
}  // namespace detail

}  // namespace sim
