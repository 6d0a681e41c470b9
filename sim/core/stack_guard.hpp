// Stack guard: turns a task's stack overflow (a fault on its fiber's guard page) into a report.
#pragma once

#include <string>

namespace sim {

// Installs, once per process, a SIGSEGV/SIGBUS handler running on an alternate signal stack
// (one per thread that calls this). A fault on the guard page of the running execution's
// task prints which task overflowed its stack, the stack size, how to raise it and the replay
// token so far, then ends the process with exit code 3; any other fault is left to the
// default action.
void install_stack_guard();

namespace detail {
// Writes a last-resort report (the process is about to end) to stderr with write(2), no stdio.
void write_stderr(const std::string& text);
}  // namespace detail

}  // namespace sim
