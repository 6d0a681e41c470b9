// Atomic<T>: a std::atomic whose every operation is one visible step, with the memory order it is
// given (sim/core/memory_model.hpp): a relaxed or acquire load may read an older store.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "sim/core/object.hpp"

namespace sim {

// The memory model needs the happens-before clocks, which an execution keeps while a checker
// uses them (the race detector, on by default). Without them, and for values wider than 8
// bytes, every operation is sequentially consistent.
template <class T>
class Atomic {
  using Order = std::memory_order;
  static constexpr Order sc = std::memory_order_seq_cst;
  static constexpr bool modelled = std::is_trivially_copyable_v<T> && sizeof(T) <= sizeof(std::uint64_t);

 public:
  explicit Atomic(T initial = T{}, std::string_view name = {}, Location created = Location::here())
      : value_(initial), name_(name), created_(created) {}
  Atomic(const Atomic&) = delete;
  Atomic& operator=(const Atomic&) = delete;

  T load(Order order = sc, Location where = Location::here()) const {
    Execution* e = step(OpKind::AtomicLoad, where);
    MemoryModel* m = model(e, order);
    const T v = m != nullptr ? from_bits(m->load(*e, binding_.id(), to_order(order))) : value_.load();
    if (e != nullptr && e->observed()) {
      if (m != nullptr && m->last_read_was_stale()) {
        const Stale stale{v, e, &m->last_read(), &m->latest_store(binding_.id())};
        e->publish(OpKind::AtomicLoad, binding_.id(), where, ValueRef{&stale, &Stale::format});
      } else {
        e->publish(OpKind::AtomicLoad, binding_.id(), where, detail::value_ref(v));
      }
    }
    return v;
  }
  void store(T v, Order order = sc, Location where = Location::here()) {
    Execution* e = step(OpKind::AtomicStore, where);
    if (MemoryModel* m = model(e, order)) {
      m->store(*e, binding_.id(), to_bits(v), to_order(order), where);
      value_.store(from_bits(m->latest(binding_.id())));
    } else {
      value_.store(v);
    }
    if (e != nullptr && e->observed()) e->publish(OpKind::AtomicStore, binding_.id(), where, detail::value_ref(v));
  }
  T exchange(T v, Order order = sc, Location where = Location::here()) {
    return update(order, order, where, [&](T) -> std::optional<T> { return v; });
  }
  // A failure's order is its own, as in std::atomic.
  bool compare_exchange_strong(T& expected, T desired, Order success, Order failure, Location where = Location::here()) {
    bool ok = false;
    const T old = update(success, failure, where, [&](T seen) -> std::optional<T> {
      if (!same(seen, expected)) return std::nullopt;
      return desired;
    });
    ok = same(old, expected);
    if (!ok) expected = old;
    return ok;
  }
  bool compare_exchange_strong(T& expected, T desired, Order order = sc, Location where = Location::here()) {
    return compare_exchange_strong(expected, desired, order, failure_order(order), where);
  }
  // Never fails spuriously in the simulation.
  bool compare_exchange_weak(T& expected, T desired, Order success, Order failure, Location where = Location::here()) {
    return compare_exchange_strong(expected, desired, success, failure, where);
  }
  bool compare_exchange_weak(T& expected, T desired, Order order = sc, Location where = Location::here()) {
    return compare_exchange_strong(expected, desired, order, failure_order(order), where);
  }
  T fetch_add(T v, Order order = sc, Location where = Location::here()) {
    return update(order, order, where, [&](T old) -> std::optional<T> { return static_cast<T>(old + v); });
  }
  T fetch_sub(T v, Order order = sc, Location where = Location::here()) {
    return update(order, order, where, [&](T old) -> std::optional<T> { return static_cast<T>(old - v); });
  }

 private:
  static std::uint64_t to_bits(const T& v) {
    std::uint64_t b = 0;
    if constexpr (modelled) std::memcpy(&b, &v, sizeof(T));
    return b;
  }
  static T from_bits(std::uint64_t b) {
    T v{};
    if constexpr (modelled) std::memcpy(&v, &b, sizeof(T));
    return v;
  }
  // A load that read an older store than the latest: its value, and which store it was, in words
  // ("0 (the initial value, although a had stored 1 at x.cpp:12)").
  struct Stale {
    T value;
    const Execution* e;
    const MemoryModel::Store* read;
    const MemoryModel::Store* latest;
    static void format(const void* p, std::string& out) {
      const auto& s = *static_cast<const Stale*>(p);
      auto text = [](const T& v) {
        std::string t;
        detail::value_ref(v).format(&v, t);
        return t;
      };
      tell_stale(*s.e, *s.read, text(s.value), *s.latest, text(from_bits(s.latest->value)), out);
    }
  };
  // As std::atomic compares: by the bytes.
  static bool same(const T& a, const T& b) { return std::memcmp(&a, &b, sizeof(T)) == 0; }
  static constexpr Order failure_order(Order o) {
    if (o == std::memory_order_acq_rel) return std::memory_order_acquire;
    if (o == std::memory_order_release) return std::memory_order_relaxed;
    return o;
  }

  Execution* step(OpKind kind, Location where) const {
    Execution* e = Execution::current();
    if (e == nullptr) return nullptr;
    binding_.bind(*e, ObjectKind::Atomic, name_, created_);
    e->schedule(kind, binding_.id(), where);
    return e;
  }
  // The execution's memory model with this atomic in it, if it models this one; if not, an
  // operation with a weaker `order` runs sequentially consistently, and the report says so.
  MemoryModel* model(Execution* e, Order order) const {
    if (e == nullptr) return nullptr;
    if constexpr (modelled) {
      return e->atomic_model(binding_.id(), to_order(order), Execution::Writers::Model, [this] { return to_bits(value_.load()); });
    } else {
      e->ran_sequentially(to_order(order));
      return nullptr;
    }
  }
  // A read-modify-write: `next(old)` is what it writes, or nothing (a failed compare-exchange,
  // which only reads). The event shows the value it leaves behind.
  template <class Next>
  T update(Order success, Order failure, Location where, Next&& next) {
    Execution* e = step(OpKind::AtomicRmw, where);
    T old;
    std::optional<T> wrote;
    if (MemoryModel* m = model(e, success == sc ? failure : success)) {
      const MemoryModel::Next erased{&next, [](const void* f, std::uint64_t seen) -> std::optional<std::uint64_t> {
                                       const std::optional<T> r = (*static_cast<const Next*>(f))(from_bits(seen));
                                       if (!r) return std::nullopt;
                                       return to_bits(*r);
                                     }};
      old = from_bits(m->update(*e, binding_.id(), to_order(success), to_order(failure), erased, where));
      wrote = next(old);
      value_.store(from_bits(m->latest(binding_.id())));
    } else if (e != nullptr) {
      old = value_.load();  // one task runs at a time
      wrote = next(old);
      if (wrote) value_.store(*wrote);
    } else {
      // Real threads (outside any simulation): a compare-exchange loop keeps it atomic.
      old = value_.load(failure);
      while ((wrote = next(old)) && !value_.compare_exchange_weak(old, *wrote, success, failure)) {
      }
    }
    if (e != nullptr && e->observed()) {
      const T shown = wrote ? *wrote : old;
      e->publish(OpKind::AtomicRmw, binding_.id(), where, detail::value_ref(shown));
    }
    return old;
  }

  std::atomic<T> value_;
  mutable detail::Binding binding_;
  std::string name_;
  Location created_;
};

// std::atomic_thread_fence for simulated code. A seq_cst fence is a step, ordered with every
// other one; the weaker fences change only what their own task's atomics synchronise with.
inline void atomic_thread_fence(std::memory_order order, Location where = Location::here()) {
  Execution* e = Execution::current();
  if (e == nullptr) return std::atomic_thread_fence(order);
  if (order == std::memory_order_relaxed) return;
  MemoryModel* m = e->memory();
  if (order != std::memory_order_seq_cst) {
    if (m != nullptr) m->fence(*e, to_order(order));
    return;
  }
  const ObjectId fences = e->fence_object();
  e->schedule(OpKind::Fence, fences, where);
  if (m != nullptr) m->fence(*e, MemoryOrder::SeqCst);
  if (e->observed()) e->publish(OpKind::Fence, fences, where);
}

}  // namespace sim
