// Fiber: Boost.Context continuations on mmap'ed stacks with a guard page, plus the sanitizer
// fiber-switch annotations that keep AddressSanitizer's view of the stack correct.
#include "sim/fiber.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cxxabi.h>

#include <boost/context/fiber.hpp>
#include <boost/context/preallocated.hpp>
#include <boost/context/stack_context.hpp>
#include <cstdio>
#include <cstdlib>
#include <utility>

#if defined(__SANITIZE_ADDRESS__)
#define SIM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SIM_ASAN 1
#endif
#endif

#ifdef SIM_ASAN
#include <sanitizer/common_interface_defs.h>
#endif

namespace ctx = boost::context;

namespace sim {

// The C++ runtime keeps the exceptions being thrown and caught per OS thread (Itanium C++ ABI
// __cxa_eh_globals); each fiber keeps its own copy so std::uncaught_exceptions() and `throw;`
// mean the same inside a fiber as on a thread.
struct ExceptionState {
  void* caught = nullptr;
  unsigned int uncaught = 0;
};

struct Fiber::State {
  ctx::fiber cont;
  ExceptionState exceptions;           // where this fiber resumes while it is suspended
  void* memory = nullptr;    // mmap'ed region: guard page + stack
  std::size_t mapped = 0;
  const void* stack_bottom = nullptr;  // lowest usable address, for the sanitizer
  std::size_t stack_size = 0;
  bool started = false;
};

namespace {

// The fiber that just suspended itself; whoever runs next stores its continuation.
thread_local Fiber::State* g_leaving = nullptr;

[[noreturn]] void internal_error(const char* what) {
  std::fprintf(stderr, "interleave: internal error: %s\n", what);
  std::abort();
}

// Boost needs an allocator to hand the stack back to; the stack belongs to the Fiber.
struct KeepStack {
  ctx::stack_context allocate() { internal_error("fiber stacks are preallocated"); }
  void deallocate(ctx::stack_context&) noexcept {}
};

std::size_t page_size() {
  static const std::size_t size = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  return size;
}

// The runtime's per-thread record never moves, so look it up once per thread.
thread_local ExceptionState* g_exceptions = nullptr;
ExceptionState& exception_globals() {
  if (g_exceptions == nullptr) g_exceptions = reinterpret_cast<ExceptionState*>(abi::__cxa_get_globals());
  return *g_exceptions;
}

#ifdef SIM_ASAN
thread_local const void* g_home_bottom = nullptr;
thread_local std::size_t g_home_size = 0;
#endif

void before_switch([[maybe_unused]] void** fake_stack, [[maybe_unused]] const Fiber::State& to) {
#ifdef SIM_ASAN
  const void* bottom = to.stack_bottom ? to.stack_bottom : g_home_bottom;
  std::size_t size = to.stack_bottom ? to.stack_size : g_home_size;
  __sanitizer_start_switch_fiber(fake_stack, bottom, size);
#endif
}

void after_switch([[maybe_unused]] void* fake_stack) {
#ifdef SIM_ASAN
  const void* old_bottom = nullptr;
  std::size_t old_size = 0;
  __sanitizer_finish_switch_fiber(fake_stack, &old_bottom, &old_size);
  // The first switch away from the OS thread's stack tells us where that stack is.
  if (g_home_bottom == nullptr) {
    g_home_bottom = old_bottom;
    g_home_size = old_size;
  }
#endif
}

}  // namespace

Fiber::Fiber() : state_(std::make_unique<State>()) { state_->started = true; }

Fiber::Fiber(Entry entry, void* arg, std::size_t stack_size) : state_(std::make_unique<State>()) {
  const std::size_t page = page_size();
  const std::size_t size = (stack_size + page - 1) / page * page;
  State& s = *state_;
  s.mapped = size + page;
  s.memory = ::mmap(nullptr, s.mapped, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (s.memory == MAP_FAILED) internal_error("cannot map a fiber stack");
  if (::mprotect(s.memory, page, PROT_NONE) != 0) internal_error("cannot protect a stack guard page");
  s.stack_bottom = static_cast<char*>(s.memory) + page;
  s.stack_size = size;

  ctx::stack_context sctx;
  sctx.size = size;
  sctx.sp = static_cast<char*>(s.memory) + s.mapped;
  ctx::preallocated where(sctx.sp, sctx.size, sctx);
  s.cont = ctx::fiber(std::allocator_arg, where, KeepStack{},
                      [this, entry, arg](ctx::fiber&& caller) -> ctx::fiber {
                        after_switch(nullptr);
                        g_leaving->cont = std::move(caller);
                        entry(arg);
                        if (exit_to_ == nullptr) internal_error("fiber entry returned with nowhere to go");
                        State& next = *exit_to_->state_;
                        g_leaving = state_.get();  // our continuation is about to vanish
                        exception_globals() = next.exceptions;
                        before_switch(nullptr, next);
                        return std::move(next.cont);
                      });
}

Fiber::~Fiber() {
  // A suspended fiber still holding a continuation is unwound by Boost here (slow but rare:
  // only when the pool itself goes away while a worker is parked mid-entry).
  state_->cont = ctx::fiber{};
  if (state_->memory != nullptr) ::munmap(state_->memory, state_->mapped);
}

void Fiber::switch_to(Fiber& from, Fiber& to) {
  State& target = *to.state_;
  if (!target.cont) internal_error("switch to a fiber that is running or finished");
  g_leaving = from.state_.get();
  target.started = true;
  ExceptionState& globals = exception_globals();
  from.state_->exceptions = globals;
  globals = target.exceptions;
  void* fake_stack = nullptr;
  before_switch(&fake_stack, target);
  ctx::fiber back = std::move(target.cont).resume();
  after_switch(fake_stack);
  g_leaving->cont = std::move(back);
}

bool Fiber::started() const { return state_->started; }
std::size_t Fiber::stack_size() const { return state_->stack_size; }

}  // namespace sim
