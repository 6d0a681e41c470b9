// Stack guard: the fault handler that names the task that overflowed its stack.
#include "sim/core/stack_guard.hpp"

#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>

#include "sim/core/execution.hpp"

namespace sim {

namespace {

void on_fault(int signal, siginfo_t* info, void*) {
  const Execution* e = Execution::current();
  if (e != nullptr) {
    const TaskId t = e->task_with_guard_page(info->si_addr);
    if (t != no_task) {
      // The process is ending; formatting here is a last resort, not async-signal-safe.
      const std::size_t kib = e->stack_size() / 1024;
      detail::write_stderr("interleave: task " + e->task_name(t) + " overflowed its stack (" + std::to_string(kib) +
                " KiB): endless recursion, or raise ExecutionLimits::stack_size (e.g. .limits = {.stack_size = " +
                std::to_string(kib * 4) + " * 1024})\n  replay token of the schedule so far: " +
                e->schedule_so_far().encode() + "\n");
      ::_exit(3);
    }
  }
  // Not ours: let the default action report it.
  ::signal(signal, SIG_DFL);
  ::raise(signal);
}

// One alternate signal stack per thread, given back when the thread ends.
struct AltStack {
  static constexpr std::size_t size = 64 * 1024;
  void* memory = nullptr;
  ~AltStack() {
    if (memory == nullptr) return;
    stack_t off{};
    off.ss_flags = SS_DISABLE;
    ::sigaltstack(&off, nullptr);
    std::free(memory);
  }
};

}  // namespace

void detail::write_stderr(const std::string& text) {
  const char* p = text.data();
  std::size_t left = text.size();
  while (left > 0) {
    const ssize_t n = ::write(STDERR_FILENO, p, left);
    if (n <= 0) return;
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

void install_stack_guard() {
  // The handler cannot run on the stack that just overflowed: each thread gets its own.
  thread_local AltStack alt_stack;
  if (alt_stack.memory == nullptr) {
    stack_t alt{};
    alt.ss_sp = std::malloc(AltStack::size);
    alt.ss_size = AltStack::size;
    if (alt.ss_sp != nullptr && ::sigaltstack(&alt, nullptr) == 0) {
      alt_stack.memory = alt.ss_sp;
    } else {
      std::free(alt.ss_sp);
    }
  }
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction action;
    std::memset(&action, 0, sizeof action);
    action.sa_sigaction = &on_fault;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGSEGV, &action, nullptr);
    ::sigaction(SIGBUS, &action, nullptr);
  });
}

}  // namespace sim
