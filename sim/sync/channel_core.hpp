// ChannelCore: the untyped half of Channel<T> — capacity, closing, and who waits for what.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/object.hpp"

namespace sim {

// The capacity of a channel whose sends never wait.
inline constexpr std::size_t unbounded = SIZE_MAX;

template <class T>
class Channel;

namespace detail {

class SelectWaiter;

// A receiver that is not a task (a coroutine in an event loop): the channel hands it the value
// as soon as there is one, then calls wake.
template <class T>
struct Taker {
  std::optional<T> value;  // empty after wake: the channel was closed
  TaskId from = no_task;
  void (*on_wake)(void*) = nullptr;
  void* context = nullptr;
  void wake() { on_wake(context); }
};

class ChannelCore {
 public:
  ChannelCore(std::string_view name, std::size_t capacity, Location created)
      : name_(name), capacity_(capacity), created_(created) {}

  // True the first time in an execution: the typed side empties its buffer too.
  bool bind(Execution& e);
  ObjectId id() const { return binding_.id(); }
  const std::string& name() const { return name_; }
  std::size_t capacity() const { return capacity_; }
  bool closed() const { return closed_; }
  std::mutex& mutex() { return mutex_; }

  // Whether an operation could go on now (a closed channel lets sends go on: to fail).
  bool can_recv() const { return count_ > 0 || closed_; }
  bool can_send() const { return closed_ || (capacity_ == 0 ? count_ == 0 : count_ < capacity_); }
  // A select commits to a send only if it completes now: unbuffered, a receiver must be waiting.
  bool can_select_send() const {
    return closed_ || (capacity_ == 0 ? count_ == 0 && receivers() > 0 : count_ < capacity_);
  }

  // Bookkeeping as the typed side moves values.
  void deposited();
  void taken(TaskId by) {
    --count_;
    ++taken_;
    taker_ = by;
  }
  std::uint64_t offers() const { return offers_; }
  TaskId taker() const { return taker_; }
  void add_taker() { ++takers_; }
  void untake() { --takers_; }

  // Waiting until the operation can go on: sim (`e` set) or real (`lock` held). In a simulation
  // these are scheduling points that leave the task blocked exactly while it cannot go on.
  void wait_to_send(Execution* e, std::unique_lock<std::mutex>* lock, Location where);
  void wait_to_recv(Execution* e, std::unique_lock<std::mutex>* lock, Location where);
  // Unbuffered: waits until the value deposited as offer `seq` is taken (true) or withdrawn by a close.
  bool wait_for_pickup(Execution* e, std::unique_lock<std::mutex>* lock, std::uint64_t seq, Location where);
  // An unbuffered sender whose value was taken or withdrawn may go on.
  void picked_up(Execution* e, TaskId sender);

  // Closes (reporting a second close); true if an unbuffered send's value is withdrawn with it.
  bool close(Execution* e, Location where);
  void send_on_closed(Execution& e, bool waiting, Location where);

  // After any change: block or unblock each waiting task by whether it can now go on, and let
  // every select watching this channel re-check.
  void refresh(Execution* e);
  // A select waiting on this channel (recv: to receive), re-checked on every change; in a
  // simulation `e` is set and the other selects re-check too (a waiting receiver counts).
  void watch(SelectWaiter* w, bool recv, Execution* e);
  void unwatch(SelectWaiter* w, Execution* e);
  void drop(SelectWaiter* w);  // unwatch without telling anyone (an execution stopping)

  // For a search that remembers states (sim/core/state_source.hpp): what besides the values in
  // the buffer decides what the channel can still do, each task written as `who` names it; a
  // channel not yet used in `e` is written as a fresh one. False then: its buffer is stale.
  bool state(const Execution& e, std::vector<std::uint64_t>& out, const std::function<std::uint64_t(TaskId)>& who) const;

 private:
  std::size_t receivers() const;  // receivers waiting, of every sort
  // Unbuffered: a value was deposited while only selects wait to receive; the first of them is
  // committed to take it, as Go hands a value to a parked select.
  void commit_receiver();
  void notify_watchers(Execution* e);

  detail::Binding binding_;
  std::string name_;
  std::size_t capacity_;
  Location created_;
  bool closed_ = false;
  TaskId closed_by_ = no_task;
  Location closed_at_;
  std::size_t count_ = 0;        // values in the buffer (or, unbuffered, in the slot)
  std::uint64_t offers_ = 0;     // values deposited so far
  std::uint64_t taken_ = 0;      // values taken so far
  TaskId taker_ = no_task;       // who took the last one
  std::size_t takers_ = 0;       // event-loop receivers waiting
  WaitList senders_;             // tasks waiting for room (or, unbuffered, a free slot)
  WaitList receivers_;           // tasks waiting for a value
  WaitList pickups_;             // unbuffered senders waiting for their value to be taken
  std::size_t waiting_receivers_ = 0;  // tasks (or threads) waiting in recv
  struct Watch {
    SelectWaiter* waiter;
    bool recv;
  };
  std::vector<Watch> watchers_;
  std::mutex mutex_;
  std::condition_variable changed_;
};

}  // namespace detail
}  // namespace sim
