// Crash guard: the fault handler, its alternate stacks, and handing other signals on.
#include "sim/core/crash_guard.hpp"

#include <dlfcn.h>
#include <signal.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <mutex>
#include <string>

#include "sim/core/execution.hpp"
#include "sim/core/execution_task.hpp"
#include "sim/core/monitor.hpp"

// A sanitizer runtime reports, then aborts (abort_on_error=1): its abort must end the process,
// not become a finding. It announces its death through this callback, when linked in.
extern "C" void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

namespace sim {

namespace {

constexpr int guarded[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
constexpr std::size_t alt_stack_size = 64 * 1024;
constexpr std::size_t smallest_alt_stack = 32 * 1024;  // someone else's is kept if at least this large

std::atomic<bool> g_dying{false};
std::mutex g_install_mutex;
struct sigaction g_previous[NSIG];  // what each guarded signal did before us

const void* stack_pointer(const void* context) {
  const auto* uc = static_cast<const ucontext_t*>(context);
#if defined(__x86_64__)
  return reinterpret_cast<const void*>(uc->uc_mcontext.gregs[REG_RSP]);
#elif defined(__aarch64__)
  return reinterpret_cast<const void*>(uc->uc_mcontext.sp);
#else
#error "crash_guard.cpp: tell stack_pointer() where this architecture keeps the stack pointer"
#endif
}

void pass_on(int signal, siginfo_t* info, void* context) {
  const struct sigaction& before = g_previous[signal];
  if ((before.sa_flags & SA_SIGINFO) != 0 && before.sa_sigaction != nullptr) {
    before.sa_sigaction(signal, info, context);
    return;
  }
  if (before.sa_handler != SIG_DFL && before.sa_handler != SIG_IGN && before.sa_handler != nullptr) {
    before.sa_handler(signal);
    return;
  }
  // The default action: a fault repeats when the handler returns, an abort is raised again.
  ::signal(signal, SIG_DFL);
  ::raise(signal);
}

void on_fault(int signal, siginfo_t* info, void* context) {
  // Signals sent from outside (kill) keep their meaning; only the thread's own faults are findings.
  const bool own = info->si_code != SI_USER && info->si_code != SI_QUEUE;
  if (own && !g_dying.load(std::memory_order_relaxed)) {
    if (Execution* e = Execution::current()) {
      e->take_fault(Execution::Fault{signal, info->si_code, info->si_addr, stack_pointer(context)});
    }
  }
  pass_on(signal, info, context);
}

bool is_ours(const struct sigaction& action) {
  return (action.sa_flags & SA_SIGINFO) != 0 && action.sa_sigaction == &on_fault;
}

// This thread's alternate signal stack, given back when the thread ends.
struct AltStack {
  void* memory = nullptr;
  ~AltStack() {
    if (memory == nullptr) return;
    stack_t current{};
    if (::sigaltstack(nullptr, &current) == 0 && current.ss_sp == memory) {
      stack_t off{};
      off.ss_flags = SS_DISABLE;
      ::sigaltstack(&off, nullptr);
    }
    ::munmap(memory, alt_stack_size);
  }
};

void ensure_alt_stack() {
  stack_t current{};
  if (::sigaltstack(nullptr, &current) != 0) return;
  if ((current.ss_flags & SS_DISABLE) == 0 && current.ss_size >= smallest_alt_stack) return;
  thread_local AltStack alt;
  if (alt.memory == nullptr) {
    void* memory = ::mmap(nullptr, alt_stack_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED) return;  // no rescue from a stack overflow on this thread, then
    alt.memory = memory;
  }
  stack_t mine{};
  mine.ss_sp = alt.memory;
  mine.ss_size = alt_stack_size;
  ::sigaltstack(&mine, nullptr);
}

std::terminate_handler g_previous_terminate = nullptr;

// std::terminate in a task: the exception in flight goes into the Crash finding, then abort().
[[noreturn]] void on_terminate() {
  if (Execution* e = Execution::current()) {
    std::string why = "std::terminate was called (an exception left a noexcept function, or a destructor threw while unwinding)";
    if (std::exception_ptr in_flight = std::current_exception()) {
      try {
        std::rethrow_exception(in_flight);
      } catch (const std::exception& x) {
        why += " with " + describe_exception(x) + " in flight";
      } catch (...) {
        why += " with an exception of unknown type in flight";
      }
    }
    if (e->explain_abort(std::move(why))) std::abort();
  }
  if (g_previous_terminate != nullptr) g_previous_terminate();
  std::abort();
}

}  // namespace

void install_crash_guard() {
  ensure_alt_stack();
  struct sigaction current;
  if (::sigaction(SIGSEGV, nullptr, &current) == 0 && is_ours(current)) return;
  std::lock_guard lock(g_install_mutex);
  static std::once_flag once;
  std::call_once(once, [] {
    if (__sanitizer_set_death_callback != nullptr) __sanitizer_set_death_callback([] { g_dying.store(true); });
    g_previous_terminate = std::set_terminate(&on_terminate);
  });
  struct sigaction action;
  std::memset(&action, 0, sizeof action);
  action.sa_sigaction = &on_fault;
  action.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&action.sa_mask);
  for (int signal : guarded) {
    struct sigaction before;
    if (::sigaction(signal, &action, &before) == 0 && !is_ours(before)) g_previous[signal] = before;
  }
}

void detail::let_abort_through() { g_dying.store(true); }

}  // namespace sim

// assert() in a task: the failed condition goes into the Crash finding. Everywhere else, and when
// crashes take their default course, the C library's own __assert_fail prints and aborts.
extern "C" [[noreturn]] void __assert_fail(const char* assertion, const char* file, unsigned int line, const char* function) noexcept {
  if (sim::Execution* e = sim::Execution::current()) {
    std::string why = std::string("assert(") + assertion + ") failed";
    if (file != nullptr) why += " at " + sim::to_string(sim::Location{file, line});
    if (e->explain_abort(std::move(why))) std::abort();
  }
  using Real = void (*)(const char*, const char*, unsigned int, const char*);
  if (const auto real = reinterpret_cast<Real>(::dlsym(RTLD_NEXT, "__assert_fail"))) real(assertion, file, line, function);
  std::fprintf(stderr, "%s:%u: %s: Assertion `%s' failed.\n", file, line, function, assertion);
  std::abort();
}
