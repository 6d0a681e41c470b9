// The std front end: the C heap. Memory one thread frees and another allocates again is a new
// object, not a race (malloc, calloc, realloc, the aligned ones, strdup's copy); a race inside a
// block from malloc is found and the block is named by where it was allocated.
#include <stdlib.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <thread>

#include "interleave/doctest.hpp"
#include "interpose/address_map.hpp"

namespace {

#if INTERLEAVE_SANITIZED
// Under AddressSanitizer its runtime owns malloc and free, and the C heap is not watched.
constexpr bool c_heap_watched = false;
#else
constexpr bool c_heap_watched = true;
#endif

// Blocks the tasks got, recorded where the instrumentation does not see it (a recorded address
// must not order the tasks): how often the second task's block was the first one's, freed.
std::uintptr_t first_block = 0;
int reused = 0;
[[gnu::no_sanitize_thread, gnu::noinline]] void first_got(void* p) { first_block = reinterpret_cast<std::uintptr_t>(p); }
[[gnu::no_sanitize_thread, gnu::noinline]] void second_got(void* p) { reused += reinterpret_cast<std::uintptr_t>(p) == first_block; }

// A text as long as the blocks below, made before any simulation starts.
const std::string long_text(4095, 'x');

// Keeps the stores to `p` before it: the compiler drops a store into a block that is freed next.
void kept(int* p) { asm volatile("" : : "r"(p) : "memory"); }

// Each of two threads allocates a block with `get`, writes into it and frees it; nothing orders them.
template <class Get>
void allocate_write_free(Get get) {
  std::thread a([&] {
    int* p = get();
    first_got(p);
    p[0] = 1;
    kept(p);
    free(p);
  });
  std::thread b([&] {
    int* p = get();
    second_got(p);
    p[0] = 2;
    kept(p);
    free(p);
  });
  a.join();
  b.join();
}

}  // namespace

TEST_CASE("memory freed by one thread and allocated again by another is a new object, not a race" *
          doctest::skip(!c_heap_watched)) {
  struct Way {
    const char* name;
    int* (*get)();
  };
  // Blocks past tcache's sizes (calloc and the aligned ones never take from it): a freed block
  // goes back to the top of the heap, where the next one of its size is cut again.
  constexpr std::size_t bytes = 4096;
  const Way ways[] = {
      {"malloc", [] { return static_cast<int*>(malloc(bytes)); }},
      {"calloc", [] { return static_cast<int*>(calloc(bytes / sizeof(int), sizeof(int))); }},
      {"realloc", [] { return static_cast<int*>(realloc(malloc(sizeof(int)), bytes)); }},
      {"aligned_alloc", [] { return static_cast<int*>(aligned_alloc(64, bytes)); }},
      {"posix_memalign", [] {
         void* p = nullptr;
         return posix_memalign(&p, 64, bytes) == 0 ? static_cast<int*>(p) : nullptr;
       }},
      // libc allocates the copy with malloc, which the program frees with free.
      {"strdup", [] { return reinterpret_cast<int*>(strdup(long_text.c_str())); }},
  };
  for (const Way& way : ways) {
    CAPTURE(std::string(way.name));
    static int* (*get)();
    get = way.get;
    reused = 0;
    sim::require_no_failure([] { allocate_write_free(get); }, {.iterations = 50, .seed = 3});
    // The schedules where b allocated after a freed are those the test is about: there were some.
    CHECK(reused > 0);
  }
}

TEST_CASE("a race inside a block from malloc is found, the block named where malloc was called" *
          doctest::skip(!c_heap_watched)) {
  static int line = 0;
  auto body = [] {
    line = __LINE__ + 1;
    int* shared = static_cast<int*>(malloc(2 * sizeof(int)));
    shared[1] = 0;
    std::thread a([&] { shared[1] = 1; });
    std::thread b([&] { shared[1] = 2; });
    a.join();
    b.join();
    free(shared);
  };
  const sim::Failure f = sim::require_failure(body, sim::FailureKind::DataRace, {.iterations = 20});
  const std::string place = "std_heap_test.cpp:" + std::to_string(line) + "+4";
  CHECK_MESSAGE(f.message.find("malloc@") != std::string::npos, f.message);
  CHECK_MESSAGE(f.message.find(place) != std::string::npos, f.message);
}

TEST_CASE("the runtime's address table forgets a freed range, by probing each address or by scanning the table") {
  using interpose::AddressMap;
  for (const std::uintptr_t others : {0u, 600u}) {  // a small table is scanned, a large one probed
    INFO("other keys: " << others);
    AddressMap m;
    for (std::uintptr_t i = 0; i < others; ++i) m.insert(0x100000 + i * 64, 7);
    for (std::uintptr_t a = 0x1000; a < 0x1040; ++a) m.insert(a, static_cast<std::uint32_t>(a & 0xff));
    m.insert(0x0fff, 1);  // just outside the range, on either side
    m.insert(0x1040, 2);
    m.erase_range(0x1000, 0x1040);
    for (std::uintptr_t a = 0x1000; a < 0x1040; ++a) CHECK(m.find(a) == AddressMap::missing);
    CHECK(m.find(0x0fff) == 1);
    CHECK(m.find(0x1040) == 2);
    CHECK(m.size() == others + 2);
    for (std::uintptr_t i = 0; i < others; ++i) CHECK(m.find(0x100000 + i * 64) == 7);
  }
}
