// Atomic<T>: a std::atomic whose every operation is one visible step (sequentially consistent).
#pragma once

#include <atomic>
#include <string>
#include <string_view>

#include "sim/core/object.hpp"

namespace sim {

// Memory orders are accepted for source compatibility with std::atomic; the simulation runs
// every operation sequentially consistently (weaker orders are a later model).
template <class T>
class Atomic {
  using Order = std::memory_order;
  static constexpr Order sc = std::memory_order_seq_cst;

 public:
  explicit Atomic(T initial = T{}, std::string_view name = {}, Location created = Location::here())
      : value_(initial), name_(name), created_(created) {}
  Atomic(const Atomic&) = delete;
  Atomic& operator=(const Atomic&) = delete;

  T load(Order order = sc, Location where = Location::here()) const {
    Execution* e = step(OpKind::AtomicLoad, where);
    T v = value_.load(order);
    if (e != nullptr && e->observed()) e->publish(OpKind::AtomicLoad, binding_.id(), where, detail::value_ref(v));
    return v;
  }
  void store(T v, Order order = sc, Location where = Location::here()) {
    Execution* e = step(OpKind::AtomicStore, where);
    value_.store(v, order);
    if (e != nullptr && e->observed()) e->publish(OpKind::AtomicStore, binding_.id(), where, detail::value_ref(v));
  }
  T exchange(T v, Order order = sc, Location where = Location::here()) {
    return update(where, [&] { return value_.exchange(v, order); });
  }
  bool compare_exchange_strong(T& expected, T desired, Order order = sc, Location where = Location::here()) {
    bool ok = false;
    update(where, [&] {
      ok = value_.compare_exchange_strong(expected, desired, order);
      return expected;
    });
    return ok;
  }
  // Never fails spuriously in the simulation.
  bool compare_exchange_weak(T& expected, T desired, Order order = sc, Location where = Location::here()) {
    return compare_exchange_strong(expected, desired, order, where);
  }
  T fetch_add(T v, Order order = sc, Location where = Location::here()) {
    return update(where, [&] { return value_.fetch_add(v, order); });
  }
  T fetch_sub(T v, Order order = sc, Location where = Location::here()) {
    return update(where, [&] { return value_.fetch_sub(v, order); });
  }

 private:
  Execution* step(OpKind kind, Location where) const {
    Execution* e = Execution::current();
    if (e == nullptr) return nullptr;
    binding_.bind(*e, ObjectKind::Atomic, name_, created_);
    e->schedule(kind, binding_.id(), where);
    return e;
  }
  // A read-modify-write; the event shows the value it leaves behind.
  template <class F>
  T update(Location where, F&& f) {
    Execution* e = step(OpKind::AtomicRmw, where);
    T old = f();
    if (e != nullptr && e->observed()) {
      T now = value_.load();
      e->publish(OpKind::AtomicRmw, binding_.id(), where, detail::value_ref(now));
    }
    return old;
  }

  std::atomic<T> value_;
  mutable detail::Binding binding_;
  std::string name_;
  Location created_;
};

}  // namespace sim
