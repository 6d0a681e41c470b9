// HappensBefore: every task's vector clock in the current execution, moved along the
// synchronisation edges a program can rely on.
//
// The edges: spawn (parent → child), join (child → joiner), a mutex's unlock → its next lock,
// notify → the wake-up it causes, sequentially consistent atomics (a store or read-modify-write →
// every later operation that reads the value it left; a read-modify-write continues the chain, as
// a C++ release sequence does), and the rest of the toolbox as sim/core/op_traits.hpp tells
// (semaphores, latches, barriers, channels, futures, an RwLock's readers). A task ticks its own
// entry after each operation that releases.
//
// One per Execution, fed each event before the observers see it, so the checkers that judge by
// happens-before (the race detector) read one set of clocks rather than each keeping its own.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/core/ids.hpp"
#include "sim/core/op.hpp"
#include "sim/core/vector_clock.hpp"

namespace sim {

struct Event;

class HappensBefore {
 public:
  static constexpr std::uint32_t none = ~0u;

  // The kinds of event that move clocks: every one that orders something but a plain access.
  static bool uses(OpKind kind);

  void begin();
  void on_event(const Event& e);

  // The clock of task `t` at its present point; `t` must have started.
  const VectorClock& clock(TaskId t) const { return tasks_[index(t)].clock; }
  bool started(TaskId t) const { return index(t) < tasks_used_; }
  // For the memory model (sim/core/memory_model.hpp), which moves clocks along the edges atomics
  // make: from now on this execution's atomic events on `o` leave the clocks alone.
  void hand_over(ObjectId o) { object(o).modelled = true; }
  // The memory model makes this object's edges: its events are nothing to this class.
  bool modelled(ObjectId o) const { return index(o) < objects_used_ && objects_[index(o)].modelled; }
  // Task `t` takes in `message` (an acquire).
  void join(TaskId t, const VectorClock& message) { task(t).clock.join(message); }
  // Task `t`'s present clock becomes `message` (a release), and `t` moves on.
  void release_into(TaskId t, VectorClock& message) {
    Task& tk = task(t);
    message.assign(tk.clock);
    tk.clock.tick(index(t));
  }

  // The innermost mutex task `t` holds (its object index), or `none`.
  std::uint32_t innermost_held(TaskId t) const {
    const Task& task = tasks_[index(t)];
    return task.held.empty() ? none : task.held.back();
  }

 private:
  struct Object {
    std::uint32_t clock = none;            // index into clocks_
    std::uint32_t readers_clock = none;    // an RwLock's readers' releases
    std::uint32_t releaser = none;         // the task whose clock `clock` is a copy of, if one is
    bool modelled = false;                 // an atomic whose edges the memory model makes
  };
  struct Task {
    VectorClock clock;
    VectorClock wake;                      // the notifier's clock, until the wake-up takes it
    std::vector<std::uint32_t> held;       // mutexes held, in the order taken
    std::uint32_t waiting_on = none;       // the condvar it waits on, between Wait and Wake
  };

  Task& task(TaskId t) { return tasks_[index(t)]; }
  Object& object(ObjectId o) {
    const std::uint32_t i = index(o);
    return i < objects_used_ ? objects_[i] : new_object(i);
  }
  [[gnu::noinline]] Object& new_object(std::uint32_t i);
  VectorClock& clock_of(ObjectId o) { return clock_of(object(o)); }
  VectorClock& clock_of(Object& ob) { return ob.clock != none ? clocks_[ob.clock] : new_clock(ob.clock); }
  VectorClock& readers_clock_of(ObjectId o) {
    Object& ob = object(o);
    return ob.readers_clock != none ? clocks_[ob.readers_clock] : new_clock(ob.readers_clock);
  }
  [[gnu::noinline]] VectorClock& new_clock(std::uint32_t& slot);
  void start_task(TaskId t);

  // One handler per role of event (on_event's switch).
  void lock(const Event& e);
  void release(Task& t, std::uint32_t ti, ObjectId m);
  void wait(const Event& e);
  void wake(const Event& e);
  void notify(const Event& e);
  void notify_all(const Event& e);
  void spawn(const Event& e);
  void toolbox(const Event& e);
  // Synchronising with an object's clock: take it in, or make it a copy of the task's.
  void acquire(Task& t, std::uint32_t ti, const Object& ob);
  void publish(Task& t, std::uint32_t ti, Object& ob);

  std::vector<Task> tasks_;                // indexed by task id; slots reused across executions
  std::size_t tasks_used_ = 0;
  std::vector<Object> objects_;            // indexed by object id
  std::size_t objects_used_ = 0;
  std::vector<VectorClock> clocks_;        // synchronising objects' clocks, handed out in order
  std::size_t clocks_used_ = 0;
};

}  // namespace sim
