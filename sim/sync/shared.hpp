// Shared<T>: an instrumented plain variable; every load and store is one visible step.
#pragma once

#include <atomic>
#include <string>
#include <string_view>
#include <type_traits>

#include "sim/core/object.hpp"
#include "sim/real/real_runner.hpp"

namespace sim {

template <class T>
class Shared {
  // Outside a simulation, threads really race on the value; relaxed atomic accesses keep that
  // race free of undefined behaviour in C++ while still losing updates as a plain variable would.
  static constexpr bool relaxed_ok = std::is_trivially_copyable_v<T> && sizeof(T) <= sizeof(void*);
  static constexpr std::size_t align = [] {
    if constexpr (relaxed_ok) return std::atomic_ref<T>::required_alignment;
    return alignof(T);
  }();

 public:
  explicit Shared(T initial = T{}, std::string_view name = {}, Location created = Location::here())
      : value_(std::move(initial)), name_(name), created_(created) {}
  Shared(const Shared&) = delete;
  Shared& operator=(const Shared&) = delete;

  T load(Location where = Location::here()) const {
    Execution* e = Execution::current();
    if (e == nullptr) {
      if (detail::real_noise_on.load(std::memory_order_relaxed)) [[unlikely]] detail::real_noise();
      if constexpr (relaxed_ok) return std::atomic_ref<T>(value_).load(std::memory_order_relaxed);
      return value_;
    }
    binding_.bind(*e, ObjectKind::Shared, name_, created_);
    e->schedule(OpKind::Read, binding_.id(), where);
    T v = value_;
    if (e->observed()) e->publish(OpKind::Read, binding_.id(), where, detail::value_ref(v));
    return v;
  }

  void store(T v, Location where = Location::here()) {
    Execution* e = Execution::current();
    if (e == nullptr) {
      if (detail::real_noise_on.load(std::memory_order_relaxed)) [[unlikely]] detail::real_noise();
      if constexpr (relaxed_ok) {
        std::atomic_ref<T>(value_).store(v, std::memory_order_relaxed);
      } else {
        value_ = std::move(v);
      }
      return;
    }
    binding_.bind(*e, ObjectKind::Shared, name_, created_);
    e->schedule(OpKind::Write, binding_.id(), where);
    value_ = std::move(v);
    if (e->observed()) e->publish(OpKind::Write, binding_.id(), where, detail::value_ref(value_));
  }

  // Assignment and compound assignment: `x += 1` is a read step then a write step, so an
  // update can be lost between them, exactly as with a plain variable.
  Shared& operator=(detail::Located<T> v) {
    store(std::move(v.value), v.where);
    return *this;
  }
  Shared& operator+=(detail::Located<T> v) {
    store(load(v.where) + v.value, v.where);
    return *this;
  }
  Shared& operator-=(detail::Located<T> v) {
    store(load(v.where) - v.value, v.where);
    return *this;
  }

 private:
  alignas(align) mutable T value_;
  mutable detail::Binding binding_;
  std::string name_;
  Location created_;
};

}  // namespace sim
