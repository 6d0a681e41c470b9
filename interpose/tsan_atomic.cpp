// The compiler's ThreadSanitizer entry points for atomic operations: every width and operation,
// each one step of the running task (sequentially consistent; memory orders are not modelled).
#include <cstdint>

#include "interpose/accesses.hpp"
#include "interpose/context.hpp"
#include "interpose/locations.hpp"

namespace {

using interpose::active_call;
using sim::OpKind;
constexpr int sc = __ATOMIC_SEQ_CST;

// The atomic at `address` as an object of the execution, and where the program's `pc` places a
// step on it.
struct Placed {
  sim::ObjectId id;
  sim::Location where;
};
Placed place(sim::Execution& e, std::uintptr_t address, void* pc) {
  interpose::Context& c = interpose::Context::here();
  c.sync(e);
  Placed p{c.memory(e, address, sim::ObjectKind::Atomic, reinterpret_cast<std::uintptr_t>(pc)), {}};
  if (!interpose::access_location(e, reinterpret_cast<std::uintptr_t>(pc), &p.where)) {
    // Library plumbing (a shared_ptr count in std::thread's state): still a step, placed at the library.
    p.where = interpose::call_location(e, reinterpret_cast<std::uintptr_t>(pc));
  }
  return p;
}

// Runs `op` (on the real memory: only one task runs at a time) as a step of kind `kind`; the
// event carries the value the atomic holds afterwards.
template <class T, class Op>
T step(volatile T* a, OpKind kind, void* pc, Op op) {
  sim::Execution* e = active_call();
  if (e == nullptr) return op();
  const auto address = reinterpret_cast<std::uintptr_t>(a);
  const auto [id, where] = place(*e, address, pc);
  e->schedule(kind, id, where);
  const T result = op();
  if (e->observed() && !e->aborting()) interpose::publish_access(*e, kind, id, where, address, sizeof(T));
  return result;
}

// A compare-exchange: announced as an update; it reads only when it fails.
template <class T>
bool cas(volatile T* a, T* expected, T desired, void* pc) {
  sim::Execution* e = active_call();
  auto op = [&] { return __atomic_compare_exchange_n(a, expected, desired, false, sc, sc); };
  if (e == nullptr) return op();
  const auto address = reinterpret_cast<std::uintptr_t>(a);
  const auto [id, where] = place(*e, address, pc);
  e->schedule(OpKind::AtomicRmw, id, where);
  const bool ok = op();
  if (e->observed() && !e->aborting()) {
    interpose::publish_access(*e, ok ? OpKind::AtomicRmw : OpKind::AtomicLoad, id, where, address, sizeof(T));
  }
  return ok;
}

}  // namespace

void interpose::guard_step(volatile std::uint8_t* guard, sim::OpKind kind, void* pc, std::int64_t shown) {
  sim::Execution* e = active_call();
  if (e == nullptr) return;
  const auto [id, where] = place(*e, reinterpret_cast<std::uintptr_t>(guard), pc);
  e->schedule(kind, id, where);
  if (e->observed() && !e->aborting()) interpose::publish_value(*e, kind, id, where, shown);
}

// The memory-order arguments are ignored: every operation is sequentially consistent.
#define INTERPOSE_ATOMICS(n, T)                                                                                  \
  extern "C" T __tsan_atomic##n##_load(const volatile T* a, int) {                                               \
    return step(const_cast<volatile T*>(a), OpKind::AtomicLoad, __builtin_return_address(0),                     \
                [&] { return __atomic_load_n(a, sc); });                                                         \
  }                                                                                                              \
  extern "C" void __tsan_atomic##n##_store(volatile T* a, T v, int) {                                            \
    step(a, OpKind::AtomicStore, __builtin_return_address(0), [&] {                                              \
      __atomic_store_n(a, v, sc);                                                                                \
      return v;                                                                                                  \
    });                                                                                                          \
  }                                                                                                              \
  extern "C" T __tsan_atomic##n##_exchange(volatile T* a, T v, int) {                                            \
    return step(a, OpKind::AtomicRmw, __builtin_return_address(0), [&] { return __atomic_exchange_n(a, v, sc); }); \
  }                                                                                                              \
  extern "C" T __tsan_atomic##n##_fetch_add(volatile T* a, T v, int) {                                           \
    return step(a, OpKind::AtomicRmw, __builtin_return_address(0), [&] { return __atomic_fetch_add(a, v, sc); }); \
  }                                                                                                              \
  extern "C" T __tsan_atomic##n##_fetch_sub(volatile T* a, T v, int) {                                           \
    return step(a, OpKind::AtomicRmw, __builtin_return_address(0), [&] { return __atomic_fetch_sub(a, v, sc); }); \
  }                                                                                                              \
  extern "C" T __tsan_atomic##n##_fetch_and(volatile T* a, T v, int) {                                           \
    return step(a, OpKind::AtomicRmw, __builtin_return_address(0), [&] { return __atomic_fetch_and(a, v, sc); }); \
  }                                                                                                              \
  extern "C" T __tsan_atomic##n##_fetch_or(volatile T* a, T v, int) {                                            \
    return step(a, OpKind::AtomicRmw, __builtin_return_address(0), [&] { return __atomic_fetch_or(a, v, sc); });  \
  }                                                                                                              \
  extern "C" T __tsan_atomic##n##_fetch_xor(volatile T* a, T v, int) {                                           \
    return step(a, OpKind::AtomicRmw, __builtin_return_address(0), [&] { return __atomic_fetch_xor(a, v, sc); }); \
  }                                                                                                              \
  extern "C" T __tsan_atomic##n##_fetch_nand(volatile T* a, T v, int) {                                          \
    return step(a, OpKind::AtomicRmw, __builtin_return_address(0), [&] { return __atomic_fetch_nand(a, v, sc); }); \
  }                                                                                                              \
  extern "C" int __tsan_atomic##n##_compare_exchange_strong(volatile T* a, T* c, T v, int, int) {                \
    return cas(a, c, v, __builtin_return_address(0));                                                           \
  }                                                                                                              \
  extern "C" int __tsan_atomic##n##_compare_exchange_weak(volatile T* a, T* c, T v, int, int) {                  \
    return cas(a, c, v, __builtin_return_address(0));                                                           \
  }                                                                                                              \
  extern "C" T __tsan_atomic##n##_compare_exchange_val(volatile T* a, T c, T v, int, int) {                      \
    cas(a, &c, v, __builtin_return_address(0));                                                                  \
    return c;                                                                                                    \
  }

INTERPOSE_ATOMICS(8, std::int8_t)
INTERPOSE_ATOMICS(16, std::int16_t)
INTERPOSE_ATOMICS(32, std::int32_t)
INTERPOSE_ATOMICS(64, std::int64_t)
__extension__ typedef __int128 int128;
INTERPOSE_ATOMICS(128, int128)
#undef INTERPOSE_ATOMICS

// Fences order nothing more than sequentially consistent operations already do.
extern "C" void __tsan_atomic_thread_fence(int) { __atomic_thread_fence(sc); }
extern "C" void __tsan_atomic_signal_fence(int) { __atomic_signal_fence(sc); }
