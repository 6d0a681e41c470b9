// Promise<T> and Future<T>: a value (or an exception) set once and waited for, simulated or real.
//
// Inside a simulation a get() that has to wait blocks its task until the promise is set; a
// deadlock story says "main waits to get future answer, which nobody sets". Setting a promise
// twice, or reading a future twice, is FutureMisuse; a promise destroyed unset delivers a
// std::future_error(broken_promise) to its future, as std::promise does. Outside a simulation
// it is a mutex and a condition variable. Events: Set (a release; value: the value set) and
// Get (an acquire) on the future's object.
#pragma once

#include <exception>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

#include "sim/sync/future_core.hpp"

namespace sim {

template <class T>
class Future;

namespace detail {

template <class T>
using Stored = std::conditional_t<std::is_void_v<T>, std::monostate, T>;

template <class T>
struct FutureState : FutureCore {
  using FutureCore::FutureCore;
  std::optional<Stored<T>> value;
};

}  // namespace detail

template <class T>
class Promise {
 public:
  explicit Promise(std::string_view name = {}, Location created = Location::here())
      : state_(std::make_shared<detail::FutureState<T>>(name, created)) {}
  Promise(Promise&&) noexcept = default;
  Promise& operator=(Promise&& other) noexcept {
    if (this != &other) {
      abandon();
      state_ = std::move(other.state_);
    }
    return *this;
  }
  ~Promise() { abandon(); }

  // Once per promise (a second call is FutureMisuse).
  Future<T> get_future(Location where = Location::here());

  template <class V>
    requires(!std::is_void_v<T>)
  void set_value(V&& value, Location where = Location::here()) {
    std::unique_lock<std::mutex> lock;
    if (!state_->begin_set(lock, where)) return;
    state_->value.emplace(std::forward<V>(value));
    state_->finish_set(where, detail::value_ref(*state_->value));
  }
  void set_value(Location where = Location::here())
    requires std::is_void_v<T>
  {
    std::unique_lock<std::mutex> lock;
    if (!state_->begin_set(lock, where)) return;
    state_->value.emplace();
    state_->finish_set(where, {});
  }
  void set_exception(std::exception_ptr error, Location where = Location::here()) {
    std::unique_lock<std::mutex> lock;
    if (!state_->begin_set(lock, where)) return;
    state_->error = std::move(error);
    state_->finish_set(where, {});
  }

 private:
  template <class>
  friend struct detail::FutureAccess;
  void abandon() {
    if (state_) state_->abandon();
  }

  std::shared_ptr<detail::FutureState<T>> state_;
};

template <class T>
class Future {
 public:
  Future() = default;
  Future(Future&&) noexcept = default;
  Future& operator=(Future&&) noexcept = default;

  // Waits until the promise is set; returns its value or throws its exception. Once.
  T get(Location where = Location::here()) {
    if (!state_) {
      detail::FutureCore::no_state(where);
      if constexpr (std::is_void_v<T>) {
        return;
      } else {
        throw std::future_error(std::future_errc::no_state);
      }
    }
    std::shared_ptr<detail::FutureState<T>> s = std::move(state_);
    s->wait(where, /*take=*/true);
    if (s->error) std::rethrow_exception(s->error);
    if constexpr (!std::is_void_v<T>) return std::move(*s->value);
  }
  // Waits until the promise is set, without taking the value.
  void wait(Location where = Location::here()) const {
    if (!state_) return detail::FutureCore::no_state(where);
    state_->wait(where, /*take=*/false);
  }
  bool valid() const { return state_ != nullptr; }

 private:
  friend class Promise<T>;
  template <class>
  friend struct detail::FutureAccess;
  explicit Future(std::shared_ptr<detail::FutureState<T>> s) : state_(std::move(s)) {}

  std::shared_ptr<detail::FutureState<T>> state_;
};

template <class T>
Future<T> Promise<T>::get_future(Location where) {
  state_->retrieve(where);
  return Future<T>(state_);
}

namespace detail {
// For as_completed and event loops: a future's untyped core.
template <class T>
struct FutureAccess {
  static std::shared_ptr<FutureCore> core(const Future<T>& f) { return f.state_; }
  // The shared state a promise sets (null once the promise was moved away).
  static const FutureState<T>* state(const Promise<T>& p) { return p.state_.get(); }
};
}  // namespace detail

}  // namespace sim
