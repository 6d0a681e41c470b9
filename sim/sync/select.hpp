// select: wait for the first of several channel operations, or take a default (Go's select).
//
//   sim::select(sim::on_recv(jobs, [&](std::optional<int> job) { ... }),
//               sim::on_send(results, 42, [&] { ... }),
//               sim::otherwise([&] { ... }));   // optional: without it, select waits
//
// In a simulation, which of the ready cases is taken is a choice the strategy explores. A
// select waiting with no case ready blocks; a deadlock story says which operations it waits
// for. Returns the position of the case taken among the arguments.
#pragma once

#include <array>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <utility>

#include "sim/sync/channel.hpp"

namespace sim {

namespace detail {

template <class T>
struct ChannelAccess {
  static ChannelCore& core(Channel<T>& c) { return c.core_; }
  static void bind(Channel<T>& c, Execution& e) { c.bind(e); }
  static void put(Channel<T>& c, Execution* e, T&& v, Location where) { c.put(e, std::move(v), where); }
  static std::optional<T> take(Channel<T>& c, Execution* e, Location where) { return c.take(e, where); }
  static void sent(Channel<T>& c, Execution* e, std::unique_lock<std::mutex>* lock, Location where) {
    c.sent(e, lock, c.core_.offers(), where);
  }
  static void add_taker(Channel<T>& c, Taker<T>* t) {
    c.takers_.push_back(t);
    c.core_.add_taker();
  }
  static void remove_taker(Channel<T>& c, Taker<T>* t) {
    for (auto at = c.takers_.begin(); at != c.takers_.end(); ++at) {
      if (*at == t) {
        c.takers_.erase(at);
        c.core_.untake();
        return;
      }
    }
  }
  static void changed(Channel<T>& c, Execution* e) { c.changed(e); }
  // The values in the buffer, oldest first (for a search that remembers states).
  template <class F>
  static void each_value(const Channel<T>& c, F f) {
    for (const auto& item : c.items_) f(item.value);
  }
};

// One channel case of a select, its type erased.
class SelectCase {
 public:
  SelectCase(ChannelCore& core, bool sends, Location where) : core_(core), sends_(sends), where_(where) {}
  virtual ~SelectCase() = default;
  ChannelCore& core() const { return core_; }
  bool sends() const { return sends_; }
  Location where() const { return where_; }
  bool ready() const { return sends_ ? core_.can_select_send() : core_.can_recv(); }
  virtual void bind(Execution& e) = 0;
  // Does the operation, which is ready: in a simulation after the select's scheduling point,
  // outside one with the channel's mutex held through `lock`.
  virtual void perform(Execution* e, std::unique_lock<std::mutex>* lock) = 0;
  virtual void handle() = 0;  // the user's handler, once the select is over

 private:
  ChannelCore& core_;
  bool sends_;
  Location where_;
};

// A select waiting for one of its cases: watched by each of their channels.
class SelectWaiter {
 public:
  explicit SelectWaiter(std::span<SelectCase* const> cases) : cases_(cases) {}
  // A select unwound while it waits (its execution stopping) leaves no watcher behind.
  ~SelectWaiter();
  SelectWaiter(const SelectWaiter&) = delete;
  SelectWaiter& operator=(const SelectWaiter&) = delete;
  // A channel changed: in a simulation block or unblock the selecting task; outside, wake it.
  void changed(Execution* e);
  // An unbuffered channel deposited a value for this select to take.
  void commit(ChannelCore* c);

  std::span<SelectCase* const> cases_;
  TaskId task_ = no_task;
  bool watching_ = false;  // in a simulation: registered with its channels
  ChannelCore* committed_ = nullptr;
  std::string name_;  // the select's object name, while it waits in a simulation
  WaitList list_;
  std::mutex mutex_;  // outside a simulation: guards version_ and committed_
  std::condition_variable cv_;
  std::uint64_t version_ = 0;
};

// The select itself: returns the index of the case taken, or cases.size() for the default.
std::size_t run_select(std::span<SelectCase* const> cases, bool has_default);

template <class T, class F>
class RecvCase final : public SelectCase {
 public:
  RecvCase(Channel<T>& ch, F f, Location where)
      : SelectCase(ChannelAccess<T>::core(ch), false, where), ch_(ch), f_(std::move(f)) {}
  void bind(Execution& e) override { ChannelAccess<T>::bind(ch_, e); }
  void perform(Execution* e, std::unique_lock<std::mutex>*) override { got_ = ChannelAccess<T>::take(ch_, e, where()); }
  void handle() override { f_(std::move(got_)); }

 private:
  Channel<T>& ch_;
  F f_;
  std::optional<T> got_;
};

template <class T, class F>
class SendCase final : public SelectCase {
 public:
  SendCase(Channel<T>& ch, T value, F f, Location where)
      : SelectCase(ChannelAccess<T>::core(ch), true, where), ch_(ch), value_(std::move(value)), f_(std::move(f)) {}
  void bind(Execution& e) override { ChannelAccess<T>::bind(ch_, e); }
  void perform(Execution* e, std::unique_lock<std::mutex>* lock) override {
    if (core().closed()) {
      if (e == nullptr) throw std::logic_error("send on closed channel " + core().name());
      return core().send_on_closed(*e, false, where());
    }
    ChannelAccess<T>::put(ch_, e, std::move(value_), where());
    ChannelAccess<T>::sent(ch_, e, lock, where());
  }
  void handle() override { f_(); }

 private:
  Channel<T>& ch_;
  T value_;
  F f_;
};

template <class F>
struct DefaultCase {
  F f;
};

struct NoHandler {
  template <class... A>
  void operator()(A&&...) const {}
};

template <class C>
inline constexpr bool is_default = false;
template <class F>
inline constexpr bool is_default<DefaultCase<F>> = true;

}  // namespace detail

// Receive from `ch`; `handler(std::optional<T>)` runs if this case is taken (nullopt: closed).
template <class T, class F = detail::NoHandler>
detail::RecvCase<T, F> on_recv(Channel<T>& ch, F handler = {}, Location where = Location::here()) {
  return detail::RecvCase<T, F>(ch, std::move(handler), where);
}
// Send `value` on `ch`; `handler()` runs if this case is taken.
template <class T, class V, class F = detail::NoHandler>
detail::SendCase<T, F> on_send(Channel<T>& ch, V&& value, F handler = {}, Location where = Location::here()) {
  return detail::SendCase<T, F>(ch, T(std::forward<V>(value)), std::move(handler), where);
}
// Taken when no other case is ready.
template <class F = detail::NoHandler>
detail::DefaultCase<F> otherwise(F handler = {}) {
  return detail::DefaultCase<F>{std::move(handler)};
}

template <class... Cases>
std::size_t select(Cases&&... cases) {
  constexpr std::size_t n = sizeof...(Cases);
  static_assert(((detail::is_default<std::decay_t<Cases>> ? 1 : 0) + ... + 0) <= 1, "a select has at most one otherwise()");
  std::array<detail::SelectCase*, n> ops{};
  std::array<std::size_t, n> position{};
  std::size_t k = 0, i = 0, default_at = n;
  auto add = [&](auto& c) {
    if constexpr (detail::is_default<std::decay_t<decltype(c)>>) {
      default_at = i;
    } else {
      ops[k] = &c;
      position[k++] = i;
    }
    ++i;
  };
  (add(cases), ...);
  const std::size_t chosen = detail::run_select(std::span<detail::SelectCase* const>(ops.data(), k), default_at < n);
  if (chosen < k) {
    ops[chosen]->handle();
    return position[chosen];
  }
  auto run_default = [&](auto& c) {
    if constexpr (detail::is_default<std::decay_t<decltype(c)>>) c.f();
  };
  if (default_at < n) (run_default(cases), ...);
  return default_at;
}

}  // namespace sim
