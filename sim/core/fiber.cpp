// Fiber: stacks with a guard page, the entry trampoline, and the runtime's exception record.
#include "sim/core/fiber.hpp"

#ifdef SIM_FIBER_ASAN
#include <sanitizer/asan_interface.h>
#endif

#include <cxxabi.h>
#ifdef SIM_FIBER_ASAN
#include <sanitizer/asan_interface.h>
#endif
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>

namespace sim {

namespace {

[[noreturn]] void fiber_error(const char* what) {
  std::fprintf(stderr, "interleave: internal error: %s\n", what);
  std::abort();
}

std::atomic<std::size_t> g_alive{0};

std::size_t page_size() {
  static const std::size_t size = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  return size;
}

}  // namespace

Fiber::Exceptions* Fiber::lookup_runtime_exceptions() {
  return reinterpret_cast<Exceptions*>(abi::__cxa_get_globals());
}

Fiber::Fiber(Entry entry, void* arg, std::size_t stack_size) : started_(false), entry_(entry), arg_(arg) {
  const std::size_t page = page_size();
  stack_size_ = (stack_size + page - 1) / page * page;
  // The guard is as large as the stack: reserved address space, never memory.
  const std::size_t guard = stack_size_;
  mapped_ = stack_size_ + guard;
  memory_ = ::mmap(nullptr, mapped_, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (memory_ == MAP_FAILED) fiber_error("cannot map a fiber stack");
  stack_bottom_ = static_cast<char*>(memory_) + guard;
  if (::mprotect(const_cast<void*>(stack_bottom_), stack_size_, PROT_READ | PROT_WRITE) != 0) {
    fiber_error("cannot make a fiber stack writable");
  }
  context_ = boost::context::detail::make_fcontext(static_cast<char*>(memory_) + mapped_, stack_size_, &trampoline);
  g_alive.fetch_add(1, std::memory_order_relaxed);
}

void Fiber::reset() {
  if (memory_ == nullptr) fiber_error("the thread's own stack cannot be reset");
  context_ = boost::context::detail::make_fcontext(static_cast<char*>(memory_) + mapped_, stack_size_, &trampoline);
  started_ = false;
  exceptions_ = Exceptions{};
#ifdef SIM_FIBER_ASAN
  // The dropped frames never unpoisoned their redzones.
  __asan_unpoison_memory_region(stack_bottom_, stack_size_);
#endif
}

void Fiber::abandon_to(Fiber& to) {
  // Whatever exceptions the dropped context had in flight stay with it.
  runtime_exceptions() = to.exceptions_;
  leaving_ = nullptr;
  to.started_ = true;
#ifdef SIM_FIBER_ASAN
  __sanitizer_start_switch_fiber(nullptr, to.stack_bottom_, to.stack_size_);
#endif
  boost::context::detail::jump_fcontext(to.context_, &to);
  fiber_error("an abandoned context was resumed");
}

Fiber::~Fiber() {
  if (memory_ == nullptr) return;
#ifdef SIM_FIBER_ASAN
  // A fiber dropped while suspended (an abandoned task) leaves its frames' poisoning behind; a
  // later mapping at these addresses must not inherit it.
  __asan_unpoison_memory_region(memory_, mapped_);
#endif
  ::munmap(memory_, mapped_);
  g_alive.fetch_sub(1, std::memory_order_relaxed);
}

std::size_t Fiber::alive() { return g_alive.load(std::memory_order_relaxed); }

void Fiber::trampoline(boost::context::detail::transfer_t from) {
  after_switch(nullptr);
  if (leaving_ != nullptr) leaving_->context_ = from.fctx;  // null: abandon_to() drops it
  Fiber& self = *static_cast<Fiber*>(from.data);
  self.entry_(self.arg_);
  if (self.exit_to_ == nullptr) fiber_error("fiber entry returned with nowhere to go");
  // This fiber is finished: nobody will resume it, so there is nothing to save but the rest.
  Fiber& next = *self.exit_to_;
  runtime_exceptions() = next.exceptions_;
  leaving_ = &self;
#ifdef SIM_FIBER_ASAN
  __sanitizer_start_switch_fiber(nullptr, next.stack_bottom_ ? next.stack_bottom_ : home_bottom_,
                                 next.stack_bottom_ ? next.stack_size_ : home_size_);
#endif
  boost::context::detail::jump_fcontext(next.context_, &next);
  fiber_error("a finished fiber was resumed");
}

}  // namespace sim
