// The compiler's ThreadSanitizer entry points for plain memory accesses and function calls.
#include <cstdint>

#include "interpose/accesses.hpp"
#include "interpose/context.hpp"

using interpose::active;

namespace {

[[gnu::always_inline]] inline void access(void* address, std::uint32_t size, bool write, void* pc) {
  sim::Execution* e = active();
  if (e == nullptr) [[likely]] return;
  const auto a = reinterpret_cast<std::uintptr_t>(address);
  // Nobody watching and no switching: only a thread_local is looked at (for being shared). Tested
  // here, so that plain_access (which tests it all again) is not called for the others.
  if (!e->observed() && !e->switch_at_plain_accesses()) {
    const interpose::Context* c = interpose::Context::existing();
    if (c != nullptr && c->outside_thread_locals(a)) return;
  }
  interpose::plain_access(*e, a, size, write, reinterpret_cast<std::uintptr_t>(pc));
}

// Deep recursion in the program must not grow the shadow stack without bound.
constexpr std::size_t max_frames = 4096;

}  // namespace

#define INTERPOSE_ACCESS(n)                                                                            \
  extern "C" void __tsan_read##n(void* a) { access(a, n, false, __builtin_return_address(0)); }        \
  extern "C" void __tsan_write##n(void* a) { access(a, n, true, __builtin_return_address(0)); }        \
  extern "C" void __tsan_unaligned_read##n(void* a) { access(a, n, false, __builtin_return_address(0)); } \
  extern "C" void __tsan_unaligned_write##n(void* a) { access(a, n, true, __builtin_return_address(0)); } \
  extern "C" void __tsan_volatile_read##n(void* a) { access(a, n, false, __builtin_return_address(0)); } \
  extern "C" void __tsan_volatile_write##n(void* a) { access(a, n, true, __builtin_return_address(0)); }

extern "C" void __tsan_read1(void* a) { access(a, 1, false, __builtin_return_address(0)); }
extern "C" void __tsan_write1(void* a) { access(a, 1, true, __builtin_return_address(0)); }
extern "C" void __tsan_volatile_read1(void* a) { access(a, 1, false, __builtin_return_address(0)); }
extern "C" void __tsan_volatile_write1(void* a) { access(a, 1, true, __builtin_return_address(0)); }
INTERPOSE_ACCESS(2)
INTERPOSE_ACCESS(4)
INTERPOSE_ACCESS(8)
INTERPOSE_ACCESS(16)
#undef INTERPOSE_ACCESS

// A range (a packed field, a bit-field group, a block copy): one access at its start. Accesses
// are matched by start address (see docs/std.md), which is what the program's own loads use.
extern "C" void __tsan_read_range(void* a, unsigned long size) {
  access(a, static_cast<std::uint32_t>(size > 8 ? 0 : size), false, __builtin_return_address(0));
}
extern "C" void __tsan_write_range(void* a, unsigned long size) {
  access(a, static_cast<std::uint32_t>(size > 8 ? 0 : size), true, __builtin_return_address(0));
}

// A virtual call's table pointer: written by constructors and destructors, read by calls. Not
// program data a race report helps with (a race on it is a race on the object's lifetime).
extern "C" void __tsan_vptr_update(void**, void*) {}
extern "C" void __tsan_vptr_read(void**) {}

// Called by the module constructor of every file compiled with -fsanitize=thread.
extern "C" void __tsan_init() { interpose::instrumented_code.store(true, std::memory_order_relaxed); }

extern "C" void __tsan_func_entry(void* call_site) {
  if (sim::Execution* e = active()) [[unlikely]] {
    interpose::TaskData& t = interpose::Context::here().running(*e);
    if (t.frames.size() < max_frames) [[likely]] {
      t.frames.push_back(reinterpret_cast<std::uintptr_t>(call_site));
    } else {
      ++t.unkept;
    }
  }
}

extern "C" void __tsan_func_exit() {
  if (sim::Execution* e = active()) [[unlikely]] {
    interpose::Context& c = interpose::Context::here();
    // A write just before a thread function returns: before its finish.
    c.publish_pending(*e, reinterpret_cast<std::uintptr_t>(__builtin_dwarf_cfa()));
    interpose::TaskData& t = c.running(*e);
    if (t.unkept > 0) [[unlikely]] {
      --t.unkept;
    } else if (!t.frames.empty()) {
      t.frames.pop_back();
    }
  }
}

// Annotations some libraries make for ThreadSanitizer (moodycamel's queues do under clang, with
// their fences): nothing to do, every atomic operation is sequentially consistent in the model.
extern "C" void __tsan_ignore_thread_begin() {}
extern "C" void __tsan_ignore_thread_end() {}
extern "C" void AnnotateHappensBefore(const char*, int, void*) {}
extern "C" void AnnotateHappensAfter(const char*, int, void*) {}
