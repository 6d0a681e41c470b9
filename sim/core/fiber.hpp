// Fiber: a stackful coroutine on a guard-paged stack; the only code that switches stacks, and
// the only file that includes Boost.Context.
//
// How this works: every fiber (and the OS thread's own stack, the "home" fiber) keeps the
// Boost.Context fcontext it was suspended in. `switch_to(from, to)` jumps straight to `to`
// (no scheduler context in between) and whoever later jumps back to `from` hands over the
// context it left, which is stored in the leaving fiber. The switch is inline on purpose: a
// jump returns into another stack, so every extra call frame around it is one more return the
// CPU mispredicts (an out-of-line wrapper triples the cost of a switch on x86-64).
// A fiber's entry runs for the fiber's whole life; callers reuse fibers for many tasks.
// Each fiber keeps its own copy of the C++ runtime's per-thread exception state, so
// std::uncaught_exceptions() and `throw;` mean inside a fiber what they mean on a thread.
// Below each stack lies an inaccessible guard region as large as the stack itself (address
// space only, no memory): a frame the compiler does not probe page by page can move the stack
// pointer that far past the end and still fault in the guard, where the fault handler
// (crash_guard.hpp) names the task, instead of writing over whatever is mapped below.
#pragma once

#include <boost/context/detail/fcontext.hpp>
#include <cstddef>
#include <functional>

#if defined(__SANITIZE_ADDRESS__)
#define SIM_FIBER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SIM_FIBER_ASAN 1
#endif
#endif
#ifdef SIM_FIBER_ASAN
#include <sanitizer/common_interface_defs.h>
#endif

namespace sim {

class Fiber {
 public:
  using Entry = void (*)(void* arg);

  // The calling OS thread's own stack; it is never entered, only left and resumed.
  Fiber() = default;
  // A fiber that runs entry(arg) when first switched to. When entry returns, control goes to
  // the fiber set with exit_to() (which must be set by then).
  Fiber(Entry entry, void* arg, std::size_t stack_size);
  ~Fiber();  // frees the stack; a suspended fiber's frames are not unwound
  Fiber(const Fiber&) = delete;
  Fiber& operator=(const Fiber&) = delete;

  // Suspend `from` (the running fiber) and run `to`.
  [[gnu::always_inline]] static void switch_to(Fiber& from, Fiber& to) {
    // Whole 16-byte copies, padding included: two vector moves each way instead of four.
    Exceptions& runtime = runtime_exceptions();
    __builtin_memcpy(&from.exceptions_, &runtime, sizeof(Exceptions));
    __builtin_memcpy(&runtime, &to.exceptions_, sizeof(Exceptions));
    leaving_ = &from;
    to.started_ = true;
    void* fake_stack = nullptr;
    before_switch(&fake_stack, to);
    const boost::context::detail::transfer_t back = boost::context::detail::jump_fcontext(to.context_, &to);
    after_switch(fake_stack);
    leaving_->context_ = back.fctx;
  }

  // Fibers with a stack alive in the process: the pool's size, and a leak check for tests.
  static std::size_t alive();

  // Leave the running context for good and run `to`, which must have been reset(): for the
  // fault handler, whose context (on the signal stack, over the faulted frames) is dropped.
  [[noreturn]] static void abandon_to(Fiber& to);

  void exit_to(Fiber& next) { exit_to_ = &next; }
  bool started() const { return started_; }
  // Back to a fiber that has never run: its frames are dropped (not unwound), and the next
  // switch to it runs its entry from the top of its stack.
  void reset();
  // Whether `address` lies in this fiber's guard region (a fault there is a stack overflow).
  bool guard_contains(const void* address) const { return within(address, memory_, stack_bottom_); }
  // Whether a stack pointer belongs to this fiber: on its stack, or past its end (an overflow).
  bool owns_stack_pointer(const void* sp) const { return within(sp, memory_, stack_top()); }
  bool past_end(const void* sp) const { return within(sp, memory_, stack_bottom_); }
  // How far below the guard region a stack pointer is (0 if it is not): a frame larger than
  // the whole guard moves it there.
  std::size_t below_guard(const void* sp) const {
    return memory_ != nullptr && std::less<>()(sp, memory_)
               ? static_cast<std::size_t>(static_cast<const char*>(memory_) - static_cast<const char*>(sp))
               : 0;
  }
  std::size_t stack_size() const { return stack_size_; }
  // How far below the top of this fiber's stack `address` lies, or -1 if it is not on the stack.
  std::ptrdiff_t depth_of(const void* address) const {
    const char* a = static_cast<const char*>(address);
    const char* bottom = static_cast<const char*>(stack_bottom_);
    if (memory_ == nullptr || a < bottom || a >= bottom + stack_size_) return -1;
    return bottom + stack_size_ - a;
  }

 private:
  // The Itanium C++ ABI's per-thread __cxa_eh_globals: exceptions caught and in flight.
  // Its size is the runtime struct's, padding included (16 bytes on x86-64), so it is copied whole.
  struct Exceptions {
    void* caught = nullptr;
    unsigned int uncaught = 0;
  };
  static Exceptions& runtime_exceptions() {
    if (runtime_exceptions_ == nullptr) runtime_exceptions_ = lookup_runtime_exceptions();
    return *runtime_exceptions_;
  }
  static Exceptions* lookup_runtime_exceptions();
  const void* stack_top() const { return static_cast<const char*>(stack_bottom_) + stack_size_; }
  static bool within(const void* p, const void* low, const void* high) {
    return low != nullptr && std::less_equal<>()(low, p) && std::less<>()(p, high);
  }
  [[noreturn]] static void trampoline(boost::context::detail::transfer_t from);

  static void before_switch([[maybe_unused]] void** fake_stack, [[maybe_unused]] const Fiber& to) {
#ifdef SIM_FIBER_ASAN
    const bool home = to.stack_bottom_ == nullptr;
    __sanitizer_start_switch_fiber(fake_stack, home ? home_bottom_ : to.stack_bottom_,
                                   home ? home_size_ : to.stack_size_);
#endif
  }
  static void after_switch([[maybe_unused]] void* fake_stack) {
#ifdef SIM_FIBER_ASAN
    const void* old_bottom = nullptr;
    std::size_t old_size = 0;
    __sanitizer_finish_switch_fiber(fake_stack, &old_bottom, &old_size);
    if (home_bottom_ == nullptr) {  // the first switch away from the thread's stack tells where it is
      home_bottom_ = old_bottom;
      home_size_ = old_size;
    }
#endif
  }

  static constinit inline thread_local Fiber* leaving_ = nullptr;
  static constinit inline thread_local Exceptions* runtime_exceptions_ = nullptr;
#ifdef SIM_FIBER_ASAN
  static constinit inline thread_local const void* home_bottom_ = nullptr;
  static constinit inline thread_local std::size_t home_size_ = 0;
#endif

  boost::context::detail::fcontext_t context_ = nullptr;
  Exceptions exceptions_;
  bool started_ = true;
  Entry entry_ = nullptr;
  void* arg_ = nullptr;
  Fiber* exit_to_ = nullptr;
  void* memory_ = nullptr;  // mmap'ed: the guard region, then the stack
  std::size_t mapped_ = 0;
  const void* stack_bottom_ = nullptr;
  std::size_t stack_size_ = 0;
};

}  // namespace sim
