// Helpers every primitive shares: binding to the running execution, and value text for events.
#pragma once

#include <fmt/core.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "sim/core/execution.hpp"

namespace sim::detail {

// Binds a primitive to the execution using it. A primitive that outlives an execution (a
// global, say) starts afresh in the next one, so no state leaks between executions.
class Binding {
 public:
  // True the first time the object is used in this execution: the caller resets its state.
  bool bind(Execution& e, ObjectKind kind, const std::string& name, Location created) {
    if (epoch_ == e.epoch()) return false;
    epoch_ = e.epoch();
    id_ = e.add_object(kind, name, created);
    return true;
  }
  bool bound_to(const Execution& e) const { return epoch_ == e.epoch(); }
  ObjectId id() const { return id_; }

 private:
  std::uint64_t epoch_ = 0;
  ObjectId id_ = no_object;
};

// fmt::format, not format_to: this is compiled in the user's program, and clang mangles the
// function template format_to calls in libfmt differently from the g++ that built Debian's libfmt
// (an undefined reference); format calls fmt::vformat, a plain function.
template <class T>
ValueRef value_ref(const T& v) {
  if constexpr (fmt::is_formattable<T>::value) {
    return ValueRef{&v, [](const void* p, std::string& out) { out += fmt::format("{}", *static_cast<const T*>(p)); }};
  } else {
    return ValueRef{&v, [](const void*, std::string& out) { out = "(value)"; }};
  }
}

// A value passed to an operator, carrying where the operator was written (operators cannot
// take a defaulted location, but the implicit conversion of their argument can).
template <class T>
struct Located {
  Located(T v, Location w = Location::here()) : value(std::move(v)), where(w) {}  // NOLINT: implicit
  T value;
  Location where;
};

}  // namespace sim::detail
