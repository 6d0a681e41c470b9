// Channel<T>: a Go-style channel (unbuffered, bounded or unbounded) for simulated or OS threads.
//
// Inside a simulation the channel keeps the tasks waiting on it in the Execution's wait lists
// and blocks each one exactly while its operation cannot proceed; outside one it is a mutex,
// a condition variable and a queue. An unbuffered channel (capacity 0) is a rendezvous: a
// send deposits its value in a one-value slot and waits until a receiver takes it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <utility>

#include "sim/sync/channel_core.hpp"

namespace sim::detail {
template <class T>
struct ChannelAccess;
}

namespace sim {

template <class T>
class Channel {
 public:
  // capacity: 0 for a rendezvous, sim::unbounded for a channel whose sends never wait.
  explicit Channel(std::string_view name = {}, std::size_t capacity = 0, Location created = Location::here())
      : core_(name, capacity, created) {}
  Channel(const Channel&) = delete;
  Channel& operator=(const Channel&) = delete;

  // Waits for room (or, unbuffered, for a receiver to take the value). A send on a closed
  // channel, or on one closed while the send waits, is ChannelMisuse (Go panics).
  void send(T value, Location where = Location::here());
  // Waits for a value; std::nullopt once the channel is closed and drained.
  std::optional<T> recv(Location where = Location::here());
  // Wakes every receiver; closing twice is ChannelMisuse.
  void close(Location where = Location::here());

  std::size_t capacity() const { return core_.capacity(); }

 private:
  template <class>
  friend struct detail::ChannelAccess;  // select cases and event-loop receivers

  struct Item {
    T value;
    TaskId from;  // the sender, for the receive's event (no_task outside a simulation)
  };

  // The operation once the channel can do it, in the running task; publishes its events.
  // Sim: after the scheduling point; real: with the core's mutex held (`lock`).
  void put(Execution* e, T&& value, Location where);
  std::optional<T> take(Execution* e, Location where);
  void sent(Execution* e, std::unique_lock<std::mutex>* lock, std::uint64_t seq, Location where);
  // Hands values to coroutines waiting in an event loop, then lets every waiter re-check.
  void changed(Execution* e);
  void bind(Execution& e) {
    if (core_.bind(e)) {
      items_.clear();
      takers_.clear();
    }
  }

  detail::ChannelCore core_;
  std::deque<Item> items_;
  std::deque<detail::Taker<T>*> takers_;
};

// --- implementation ---

template <class T>
void Channel<T>::put(Execution* e, T&& value, Location where) {
  items_.push_back(Item{std::move(value), e != nullptr ? e->current_task() : no_task});
  core_.deposited();
  if (e != nullptr && e->observed()) {
    e->publish(OpKind::Send, core_.id(), where, detail::value_ref(items_.back().value));
  } else if (e != nullptr) {
    e->publish(OpKind::Send, core_.id(), where);
  }
  changed(e);
}

template <class T>
std::optional<T> Channel<T>::take(Execution* e, Location where) {
  std::optional<T> v;
  TaskId from = no_task;
  if (!items_.empty()) {
    v.emplace(std::move(items_.front().value));
    from = items_.front().from;
    items_.pop_front();
    core_.taken(e != nullptr ? e->current_task() : no_task);
    if (core_.capacity() == 0) core_.picked_up(e, from);
  }
  if (e != nullptr) {
    e->publish(OpKind::Recv, core_.id(), where, v ? detail::value_ref(*v) : ValueRef{}, from, v.has_value());
  }
  changed(e);
  return v;
}

template <class T>
void Channel<T>::changed(Execution* e) {
  // A coroutine waiting in an event loop takes the value at once (as a parked Go receiver does),
  // so it never has to wait again after being woken.
  while (!takers_.empty() && (!items_.empty() || core_.closed())) {
    detail::Taker<T>* t = takers_.front();
    takers_.pop_front();
    core_.untake();
    if (!items_.empty()) {
      t->value.emplace(std::move(items_.front().value));
      t->from = items_.front().from;
      items_.pop_front();
      core_.taken(no_task);
      if (core_.capacity() == 0) core_.picked_up(e, t->from);
    }
    t->wake();
  }
  core_.refresh(e);
}

template <class T>
void Channel<T>::sent(Execution* e, std::unique_lock<std::mutex>* lock, std::uint64_t seq, Location where) {
  // Unbuffered: the value is in the slot; the send completes when a receiver takes it.
  if (core_.capacity() != 0) return;
  if (!core_.wait_for_pickup(e, lock, seq, where)) {
    if (e == nullptr) throw std::logic_error("send on closed channel " + core_.name());
    return core_.send_on_closed(*e, true, where);
  }
  if (e != nullptr) e->publish(OpKind::Send, core_.id(), where, {}, core_.taker(), true);
}

template <class T>
void Channel<T>::send(T value, Location where) {
  Execution* e = Execution::current();
  if (e == nullptr) {
    std::unique_lock<std::mutex> lock(core_.mutex());
    core_.wait_to_send(nullptr, &lock, where);
    if (core_.closed()) throw std::logic_error("send on closed channel " + core_.name());
    put(nullptr, std::move(value), where);
    sent(nullptr, &lock, core_.offers(), where);
    return;
  }
  bind(*e);
  core_.wait_to_send(e, nullptr, where);
  if (e->aborting()) return;
  if (core_.closed()) return core_.send_on_closed(*e, false, where);
  put(e, std::move(value), where);
  sent(e, nullptr, core_.offers(), where);
}

template <class T>
std::optional<T> Channel<T>::recv(Location where) {
  Execution* e = Execution::current();
  if (e == nullptr) {
    std::unique_lock<std::mutex> lock(core_.mutex());
    core_.wait_to_recv(nullptr, &lock, where);
    return take(nullptr, where);
  }
  bind(*e);
  core_.wait_to_recv(e, nullptr, where);
  if (e->aborting()) return std::nullopt;
  return take(e, where);
}

template <class T>
void Channel<T>::close(Location where) {
  Execution* e = Execution::current();
  if (e == nullptr) {
    std::unique_lock<std::mutex> lock(core_.mutex());
    if (core_.closed()) throw std::logic_error("close of closed channel " + core_.name());
    if (core_.close(nullptr, where)) items_.clear();
    changed(nullptr);
    return;
  }
  bind(*e);
  // close() reports closing twice; true: an unbuffered send's value was withdrawn, and its
  // sender goes on to fail.
  if (core_.close(e, where)) {
    core_.picked_up(e, items_.front().from);
    items_.clear();
  }
  if (e->aborting()) return;
  changed(e);
}

}  // namespace sim
