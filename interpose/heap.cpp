// operator new and delete (replaceable, so defined here for the whole program): heap blocks the
// program allocates in a simulation are named after their allocation site, and freed memory is
// forgotten. The memory itself comes from malloc, whichever malloc the process runs with.
#include <malloc.h>

#include <cstdlib>
#include <new>

#include "interpose/context.hpp"
#include "interpose/locations.hpp"

namespace {

void note_allocation(void* block, std::size_t size, void* pc) {
  sim::Execution* e = interpose::active_call();
  if (e == nullptr || block == nullptr) return;
  const interpose::Busy busy;  // what this records allocates too
  sim::Location site;
  if (!interpose::program_location(*e, reinterpret_cast<std::uintptr_t>(pc), &site)) return;
  interpose::Context& c = interpose::Context::here();
  c.sync_epoch(*e);
  c.allocated(reinterpret_cast<std::uintptr_t>(block), size, site);
}

void note_free(void* block) {
  sim::Execution* e = interpose::active_call();
  if (e == nullptr || block == nullptr) return;
  const interpose::Busy busy;
  interpose::Context& c = interpose::Context::here();
  c.sync_epoch(*e);
  c.freed(reinterpret_cast<std::uintptr_t>(block), malloc_usable_size(block));
}

void* allocate(std::size_t size, std::size_t align, bool nothrow) {
  if (size == 0) size = 1;
  while (true) {
    void* p = align <= alignof(std::max_align_t) ? std::malloc(size) : std::aligned_alloc(align, (size + align - 1) / align * align);
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
  std::free(block);
}

}  // namespace

#define INTERPOSE_NEW(...)                             \
  {                                                    \
    void* p = allocate(__VA_ARGS__);                   \
    note_allocation(p, size, __builtin_return_address(0)); \
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
