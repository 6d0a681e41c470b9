// The heap: operator new and delete (replaceable, so defined here for the whole program) and the
// C allocation functions (malloc, free, calloc, realloc and the aligned ones, which the
// executable's definitions here replace for every library in the process). Heap blocks the
// program allocates in a simulation are named after their allocation site, and freed memory is
// forgotten, so that memory another task allocates again is a new object, not a race.
//
// Both reach glibc's allocator through its own entry points (__libc_malloc...), so the C functions
// here never call themselves. Under AddressSanitizer, whose runtime owns malloc and free, the C
// functions stay its own and only operator new and delete are watched (docs/std.md).
#include <errno.h>
#include <malloc.h>

#include <cstdlib>
#include <new>

#include "interpose/context.hpp"
#include "interpose/locations.hpp"

#if defined(__SANITIZE_ADDRESS__)
#define INTERPOSE_C_HEAP 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define INTERPOSE_C_HEAP 0
#endif
#endif
#ifndef INTERPOSE_C_HEAP
#define INTERPOSE_C_HEAP 1
#endif

#if INTERPOSE_C_HEAP
extern "C" {
void* __libc_malloc(std::size_t size);
void __libc_free(void* block);
void* __libc_calloc(std::size_t count, std::size_t size);
void* __libc_realloc(void* block, std::size_t size);
void* __libc_memalign(std::size_t align, std::size_t size);
void* __libc_valloc(std::size_t size);
void* __libc_pvalloc(std::size_t size);
}
#endif

namespace {

void note_allocation(void* block, std::size_t size, void* pc, const char* how) {
  sim::Execution* e = interpose::active_call();
  if (e == nullptr || block == nullptr) return;
  const interpose::Busy busy;  // what this records allocates too
  sim::Location site;
  if (!interpose::program_location(*e, reinterpret_cast<std::uintptr_t>(pc), &site)) return;
  interpose::Context& c = interpose::Context::here();
  c.sync_epoch(*e);
  c.allocated(reinterpret_cast<std::uintptr_t>(block), size, site, how);
}

void note_free(void* block) {
  sim::Execution* e = interpose::active_call();
  if (e == nullptr || block == nullptr) return;
  const interpose::Busy busy;
  interpose::Context& c = interpose::Context::here();
  c.sync_epoch(*e);
  c.freed(reinterpret_cast<std::uintptr_t>(block), malloc_usable_size(block));
}

#if INTERPOSE_C_HEAP
void* raw_malloc(std::size_t size) { return __libc_malloc(size); }
void* raw_aligned(std::size_t align, std::size_t size) { return __libc_memalign(align, size); }
void raw_free(void* block) { __libc_free(block); }
#else
void* raw_malloc(std::size_t size) { return std::malloc(size); }
void* raw_aligned(std::size_t align, std::size_t size) { return std::aligned_alloc(align, (size + align - 1) / align * align); }
void raw_free(void* block) { std::free(block); }
#endif

void* allocate(std::size_t size, std::size_t align, bool nothrow) {
  if (size == 0) size = 1;
  while (true) {
    void* p = align <= alignof(std::max_align_t) ? raw_malloc(size) : raw_aligned(align, size);
    if (p != nullptr) return p;
    std::new_handler handler = std::get_new_handler();
    if (handler == nullptr) {
      if (nothrow) return nullptr;
      throw std::bad_alloc();
    }
    handler();
  }
}

void release(void* block) {
  note_free(block);
  raw_free(block);
}

}  // namespace

#define INTERPOSE_NEW(...)                             \
  {                                                    \
    void* p = allocate(__VA_ARGS__);                   \
    note_allocation(p, size, __builtin_return_address(0), "new"); \
    return p;                                          \
  }

void* operator new(std::size_t size) INTERPOSE_NEW(size, 0, false)
void* operator new[](std::size_t size) INTERPOSE_NEW(size, 0, false)
void* operator new(std::size_t size, const std::nothrow_t&) noexcept INTERPOSE_NEW(size, 0, true)
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept INTERPOSE_NEW(size, 0, true)
void* operator new(std::size_t size, std::align_val_t a) INTERPOSE_NEW(size, static_cast<std::size_t>(a), false)
void* operator new[](std::size_t size, std::align_val_t a) INTERPOSE_NEW(size, static_cast<std::size_t>(a), false)
void* operator new(std::size_t size, std::align_val_t a, const std::nothrow_t&) noexcept
    INTERPOSE_NEW(size, static_cast<std::size_t>(a), true)
void* operator new[](std::size_t size, std::align_val_t a, const std::nothrow_t&) noexcept
    INTERPOSE_NEW(size, static_cast<std::size_t>(a), true)
#undef INTERPOSE_NEW

void operator delete(void* p) noexcept { release(p); }
void operator delete[](void* p) noexcept { release(p); }
void operator delete(void* p, std::size_t) noexcept { release(p); }
void operator delete[](void* p, std::size_t) noexcept { release(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { release(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { release(p); }
void operator delete(void* p, std::align_val_t) noexcept { release(p); }
void operator delete[](void* p, std::align_val_t) noexcept { release(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { release(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { release(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { release(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { release(p); }

#if INTERPOSE_C_HEAP
// The C heap. Each notes the block with its caller's place, as operator new does; realloc forgets
// the old block before it moves or goes (a write pending in it is read first) and names the new
// one where realloc was called.
#define INTERPOSE_NOTE(p, size) note_allocation(p, size, __builtin_return_address(0), "malloc")

namespace {

void* reallocate(void* block, std::size_t size, void* pc) {
  note_free(block);
  void* p = __libc_realloc(block, size);
  note_allocation(p, size, pc, "malloc");
  return p;
}

}  // namespace

extern "C" {

void* malloc(std::size_t size) noexcept {
  void* p = __libc_malloc(size);
  INTERPOSE_NOTE(p, size);
  return p;
}

void free(void* block) noexcept {
  note_free(block);
  __libc_free(block);
}

void* calloc(std::size_t count, std::size_t size) noexcept {
  void* p = __libc_calloc(count, size);
  INTERPOSE_NOTE(p, count * size);  // calloc returned null if the product overflows
  return p;
}

void* realloc(void* block, std::size_t size) noexcept { return reallocate(block, size, __builtin_return_address(0)); }

void* reallocarray(void* block, std::size_t count, std::size_t size) noexcept {
  std::size_t bytes = 0;
  if (__builtin_mul_overflow(count, size, &bytes)) {
    errno = ENOMEM;
    return nullptr;
  }
  return reallocate(block, bytes, __builtin_return_address(0));
}

void* memalign(std::size_t align, std::size_t size) noexcept {
  void* p = __libc_memalign(align, size);
  INTERPOSE_NOTE(p, size);
  return p;
}

void* aligned_alloc(std::size_t align, std::size_t size) noexcept {
  void* p = __libc_memalign(align, size);
  INTERPOSE_NOTE(p, size);
  return p;
}

int posix_memalign(void** out, std::size_t align, std::size_t size) noexcept {
  if (align % sizeof(void*) != 0 || (align & (align - 1)) != 0 || align == 0) return EINVAL;
  void* p = __libc_memalign(align, size);
  if (p == nullptr) return ENOMEM;
  INTERPOSE_NOTE(p, size);
  *out = p;
  return 0;
}

void* valloc(std::size_t size) noexcept {
  void* p = __libc_valloc(size);
  INTERPOSE_NOTE(p, size);
  return p;
}

void* pvalloc(std::size_t size) noexcept {
  void* p = __libc_pvalloc(size);
  INTERPOSE_NOTE(p, size);
  return p;
}

}  // extern "C"
#undef INTERPOSE_NOTE
#endif
