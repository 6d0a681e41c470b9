// The compiler's ThreadSanitizer entry points for atomic operations: every width and operation,
// each one step of the running task. Atomics of up to 8 bytes honour their memory orders through
// the execution's memory model (sim/core/memory_model.hpp) when it is on: a load may read an
// older store. Real memory always holds the model's latest value, so plain reads, futex words
// and uninstrumented code see the sequentially consistent view. 128-bit atomics, and every
// atomic while the model is off, are sequentially consistent.
#include <atomic>
#include <cstdint>
#include <optional>
#include <type_traits>

#include "interpose/accesses.hpp"
#include "interpose/context.hpp"
#include "interpose/locations.hpp"

namespace {

using interpose::active_call;
using sim::OpKind;
constexpr int sc = __ATOMIC_SEQ_CST;

sim::MemoryOrder order(int mo) { return sim::to_order(static_cast<std::memory_order>(mo)); }

sim::Location locate(sim::Execution& e, void* pc) {
  sim::Location where;
  if (!interpose::access_location(e, reinterpret_cast<std::uintptr_t>(pc), &where)) {
    // Library plumbing (a shared_ptr count in std::thread's state): still a step, placed at the library.
    where = interpose::call_location(e, reinterpret_cast<std::uintptr_t>(pc));
  }
  return where;
}

// The atomic at `address` as an object of the execution, and where the program's `pc` places a
// step on it.
struct Placed {
  sim::ObjectId id;
  sim::Location where;
};
Placed place(sim::Execution& e, std::uintptr_t address, void* pc) {
  interpose::Context& c = interpose::Context::here();
  c.sync(e);
  const sim::ObjectId id = c.memory(e, address, sim::ObjectKind::Atomic, reinterpret_cast<std::uintptr_t>(pc));
  return {id, locate(e, pc)};
}

// One atomic operation: a load (AtomicLoad), a store or a read-modify-write (AtomicRmw), with
// `next(old)` the value it writes after reading `old`, or nothing (a load, a failed
// compare-exchange). What it read, and what it wrote.
template <class T>
struct Done {
  T read;
  std::optional<T> wrote;
};

// On the real memory, sequentially consistent: outside a simulation (a compare-exchange loop
// keeps a read-modify-write atomic against other threads) and inside one with the model off
// (only one task runs at a time).
template <class T, class Next>
Done<T> real(volatile T* a, OpKind kind, const Next& next) {
  if (kind == OpKind::AtomicLoad) return {__atomic_load_n(a, sc), std::nullopt};
  if (kind == OpKind::AtomicStore) {
    const T v = *next(T{});
    __atomic_store_n(a, v, sc);
    return {v, v};
  }
  Done<T> d{__atomic_load_n(a, sc), std::nullopt};
  while ((d.wrote = next(d.read)) && !__atomic_compare_exchange_n(a, &d.read, *d.wrote, true, sc, sc)) {
  }
  return d;
}

template <class T>
constexpr bool in_model = sizeof(T) <= sizeof(std::uint64_t);

template <class T>
std::uint64_t bits(T v) {
  return static_cast<std::make_unsigned_t<T>>(v);
}

template <class T, class Next>
Done<T> modelled(sim::Execution& e, sim::MemoryModel& m, volatile T* a, const Placed& p, OpKind kind, int success,
                 int failure, const Next& next) {
  Done<T> d{};
  if (kind == OpKind::AtomicLoad) {
    d.read = static_cast<T>(m.load(e, p.id, order(success)));
  } else if (kind == OpKind::AtomicStore) {
    d.wrote = next(T{});
    m.store(e, p.id, bits(*d.wrote), order(success), p.where);
  } else {
    const sim::MemoryModel::Next erased{&next, [](const void* f, std::uint64_t old) -> std::optional<std::uint64_t> {
                                          const std::optional<T> r = (*static_cast<const Next*>(f))(static_cast<T>(old));
                                          if (!r) return std::nullopt;
                                          return bits(*r);
                                        }};
    d.read = static_cast<T>(m.update(e, p.id, order(success), order(failure), erased, p.where));
    d.wrote = next(d.read);
  }
  __atomic_store_n(a, static_cast<T>(m.latest(p.id)), __ATOMIC_RELAXED);
  return d;
}

// The event shows what the operation wrote, else what it read: an update that wrote nothing (a
// failed compare-exchange) is told as a load, and a load that read an older store says which.
template <class T>
void publish(sim::Execution& e, sim::MemoryModel* m, const Placed& p, OpKind kind, const Done<T>& d) {
  const OpKind shown = kind == OpKind::AtomicRmw && !d.wrote ? OpKind::AtomicLoad : kind;
  if constexpr (!in_model<T>) {
    e.publish(shown, p.id, p.where);  // no value is shown wider than 8 bytes
  } else if (m != nullptr && kind == OpKind::AtomicLoad && m->last_read_was_stale()) {
    interpose::publish_stale(e, p.id, p.where, sizeof(T), m->last_read(), m->latest_store(p.id));
  } else {
    interpose::publish_value(e, shown, p.id, p.where, static_cast<std::int64_t>(d.wrote.value_or(d.read)));
  }
}

// Every atomic operation: one step of kind `kind` (a compare-exchange is announced as an update
// whether or not it writes), through the memory model for up to 8 bytes when it is on.
template <class T, class Next>
Done<T> atomic(volatile T* a, OpKind kind, int success, int failure, void* pc, const Next& next) {
  sim::Execution* e = active_call();
  if (e == nullptr) return real(a, kind, next);
  const Placed p = place(*e, reinterpret_cast<std::uintptr_t>(a), pc);
  e->schedule(kind, p.id, p.where);
  // Memory written behind the model's back (a plain store, memset, a new object constructed at
  // the address) holds a value the model never stored: the location starts again from it, as if
  // it were a fresh atomic. (A write of the value the model already holds goes unnoticed; see
  // docs/std.md.) Without the model, weaker orders run sequentially consistently, and are counted.
  sim::MemoryModel* m = nullptr;
  if constexpr (in_model<T>) {
    m = e->atomic_model(p.id, order(success), sim::Execution::Writers::Outside,
                        [a] { return bits(__atomic_load_n(a, __ATOMIC_RELAXED)); });
  } else {
    e->ran_sequentially(order(success));
  }
  if (m == nullptr) e->ran_sequentially(order(failure));
  Done<T> d;
  if constexpr (in_model<T>) {
    d = m != nullptr ? modelled(*e, *m, a, p, kind, success, failure, next) : real(a, kind, next);
  } else {
    d = real(a, kind, next);
  }
  if (e->observed() && !e->aborting()) publish(*e, m, p, kind, d);
  return d;
}

template <class T>
T load(const volatile T* a, int mo, void* pc) {
  auto none = [](T) -> std::optional<T> { return std::nullopt; };
  return atomic(const_cast<volatile T*>(a), OpKind::AtomicLoad, mo, mo, pc, none).read;
}
template <class T>
void store(volatile T* a, T v, int mo, void* pc) {
  atomic(a, OpKind::AtomicStore, mo, mo, pc, [v](T) -> std::optional<T> { return v; });
}
// `f(x, v)` is the builtin read-modify-write, applied to a copy of the value read: the same
// arithmetic (wrapping, nand) as on the atomic itself.
template <class T, class F>
T rmw(volatile T* a, T v, int mo, void* pc, F f) {
  return atomic(a, OpKind::AtomicRmw, mo, mo, pc, [v, f](T old) -> std::optional<T> {
           T x = old;
           f(&x, v);
           return x;
         }).read;
}
// Leaves in `*expected` the value read, as the builtin does; true when it wrote.
template <class T>
bool cas(volatile T* a, T* expected, T desired, int success, int failure, void* pc) {
  const T want = *expected;
  const Done<T> d = atomic(a, OpKind::AtomicRmw, success, failure, pc, [want, desired](T old) -> std::optional<T> {
    if (old != want) return std::nullopt;
    return desired;
  });
  *expected = d.read;
  return d.wrote.has_value();
}

}  // namespace

void interpose::guard_step(volatile std::uint8_t* guard, sim::OpKind kind, void* pc, std::int64_t shown) {
  sim::Execution* e = active_call();
  if (e == nullptr) return;
  const auto [id, where] = place(*e, reinterpret_cast<std::uintptr_t>(guard), pc);
  e->schedule(kind, id, where);
  // The program's own acquire load of the guard is modelled, so the release must be too, or it
  // would order nothing. libstdc++ sets the byte itself, just after; seq_cst on both sides makes
  // a waiter that finds the static ready read this store, as libstdc++'s did.
  if (sim::MemoryModel* m = e->atomic_model(id, sim::MemoryOrder::SeqCst, sim::Execution::Writers::Outside,
                                             [guard] { return std::uint64_t{*guard}; })) {
    if (kind == sim::OpKind::AtomicStore) {
      m->store(*e, id, static_cast<std::uint8_t>(shown), sim::MemoryOrder::SeqCst, where);
    } else {
      m->load(*e, id, sim::MemoryOrder::SeqCst);
    }
  }
  if (e->observed() && !e->aborting()) interpose::publish_value(*e, kind, id, where, shown);
}

#define INTERPOSE_RMW(n, T, name)                                                                     \
  extern "C" T __tsan_atomic##n##_##name(volatile T* a, T v, int mo) {                                \
    return rmw(a, v, mo, __builtin_return_address(0), [](T* x, T w) { __atomic_##name(x, w, sc); }); \
  }
#define INTERPOSE_ATOMICS(n, T)                                                                    \
  extern "C" T __tsan_atomic##n##_load(const volatile T* a, int mo) {                              \
    return load(a, mo, __builtin_return_address(0));                                               \
  }                                                                                                \
  extern "C" void __tsan_atomic##n##_store(volatile T* a, T v, int mo) {                           \
    store(a, v, mo, __builtin_return_address(0));                                                  \
  }                                                                                                \
  extern "C" T __tsan_atomic##n##_exchange(volatile T* a, T v, int mo) {                           \
    return rmw(a, v, mo, __builtin_return_address(0), [](T* x, T w) { *x = w; });                  \
  }                                                                                                \
  INTERPOSE_RMW(n, T, fetch_add)                                                                   \
  INTERPOSE_RMW(n, T, fetch_sub)                                                                   \
  INTERPOSE_RMW(n, T, fetch_and)                                                                   \
  INTERPOSE_RMW(n, T, fetch_or)                                                                    \
  INTERPOSE_RMW(n, T, fetch_xor)                                                                   \
  INTERPOSE_RMW(n, T, fetch_nand)                                                                  \
  extern "C" int __tsan_atomic##n##_compare_exchange_strong(volatile T* a, T* c, T v, int s, int f) { \
    return cas(a, c, v, s, f, __builtin_return_address(0));                                        \
  }                                                                                                \
  extern "C" int __tsan_atomic##n##_compare_exchange_weak(volatile T* a, T* c, T v, int s, int f) { \
    return cas(a, c, v, s, f, __builtin_return_address(0));                                        \
  }                                                                                                \
  extern "C" T __tsan_atomic##n##_compare_exchange_val(volatile T* a, T c, T v, int s, int f) {    \
    cas(a, &c, v, s, f, __builtin_return_address(0));                                              \
    return c;                                                                                      \
  }

INTERPOSE_ATOMICS(8, std::int8_t)
INTERPOSE_ATOMICS(16, std::int16_t)
INTERPOSE_ATOMICS(32, std::int32_t)
INTERPOSE_ATOMICS(64, std::int64_t)
__extension__ typedef __int128 int128;
INTERPOSE_ATOMICS(128, int128)
#undef INTERPOSE_ATOMICS
#undef INTERPOSE_RMW

// As sim::atomic_thread_fence: acquire and release fences change only what the task's own
// atomics synchronise with; a seq_cst fence is a step, ordered with every other one.
extern "C" void __tsan_atomic_thread_fence(int mo) {
  sim::Execution* e = active_call();
  if (e == nullptr) return __atomic_thread_fence(sc);
  if (mo == __ATOMIC_RELAXED) return;
  interpose::Context::here().sync(*e);
  sim::MemoryModel* m = e->memory();
  if (mo != sc) {
    if (m != nullptr) m->fence(*e, order(mo));
    return;
  }
  const sim::Location where = locate(*e, __builtin_return_address(0));
  // Its first call initialises a function-local static of this library: Busy keeps the guard
  // hooks from taking that for a step of the program (a step only the first execution makes).
  const sim::ObjectId fences = [e] {
    const interpose::Busy busy;
    return e->fence_object();
  }();
  e->schedule(OpKind::Fence, fences, where);
  if (m != nullptr) m->fence(*e, sim::MemoryOrder::SeqCst);
  if (e->observed() && !e->aborting()) e->publish(OpKind::Fence, fences, where);
}
extern "C" void __tsan_atomic_signal_fence(int) { __atomic_signal_fence(sc); }
