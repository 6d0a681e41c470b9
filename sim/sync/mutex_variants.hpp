// RecursiveMutex and TimedMutex: simulated locks inside a simulation, the std ones outside one.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include "sim/core/object.hpp"

namespace sim {

namespace detail {

// The simulated state of an exclusive lock, shared by the mutex variants: who holds it, how
// many times, and the tasks whose next operation is to take it. Publishes Lock, TryLock, Unlock.
class LockModel {
 public:
  void reset() { *this = LockModel{}; }
  TaskId owner() const { return owner_; }
  std::uint32_t depth() const { return depth_; }
  Location locked_at() const { return locked_at_; }

  // Waits (a scheduling point) while another task holds it, then takes it.
  void lock(Execution& e, ObjectId id, Location where);
  // Takes it if free; never waits.
  bool try_lock(Execution& e, ObjectId id, Location where);
  // Takes it if free; if held, waits until it is released or `timeout` of virtual time passed.
  bool try_lock_for(Execution& e, ObjectId id, Nanos timeout, Location where);
  // The holder takes it once more (a recursive lock): no scheduling point, nobody else can see it.
  void relock(Execution& e, ObjectId id, OpKind kind, Location where);
  // One unlock by the holder; the last one frees it. Not a scheduling point (see Mutex::unlock).
  void unlock(Execution& e, ObjectId id, Location where);
  // A condition-variable wait: the holder lets it go entirely, without an event (the wait's own
  // event releases it), and returns how many times it held it.
  std::uint32_t release_for_wait(Execution& e, ObjectId id);
  // After the wait: takes it again (waiting if need be), `depth` times over.
  void reacquire(Execution& e, ObjectId id, Location where, std::uint32_t depth);
  // "unlocks m, which is not locked" and the like, for misuse messages; empty when `me` holds it.
  std::string not_held_by(Execution& e, TaskId me) const;

 private:
  void take(Execution& e, ObjectId id, Location where);

  TaskId owner_ = no_task;
  std::uint32_t depth_ = 0;
  Location locked_at_;
  WaitList waiters_;
};

}  // namespace detail

// A mutex its holder may lock again; each lock needs its unlock. std::recursive_mutex outside.
class RecursiveMutex {
 public:
  explicit RecursiveMutex(std::string_view name = {}, Location created = Location::here())
      : name_(name), created_(created) {}
  ~RecursiveMutex();
  RecursiveMutex(const RecursiveMutex&) = delete;
  RecursiveMutex& operator=(const RecursiveMutex&) = delete;

  void lock(Location where = Location::here());
  bool try_lock(Location where = Location::here());
  void unlock(Location where = Location::here());

  // Who holds it in `e`, and how many times (for a search that remembers states).
  TaskId holder(const Execution& e) const { return binding_.bound_to(e) ? model_.owner() : no_task; }
  std::uint32_t depth(const Execution& e) const { return binding_.bound_to(e) ? model_.depth() : 0; }

 private:
  Execution* bind();

  std::recursive_mutex real_;
  detail::Binding binding_;
  std::string name_;
  Location created_;
  detail::LockModel model_;
};

// A mutex whose try_lock_for gives up after a while. std::timed_mutex outside a simulation.
//
// In a simulation the wait is on virtual time (sim/time/time.hpp): under strict timing it lasts
// exactly `timeout` unless the mutex is released first; under loose timing (the default) the
// strategy may end it at any moment while the mutex is still held, so both "acquired after a
// wait" and "timed out" are explored. A waiter with a timeout is never part of a deadlock.
class TimedMutex {
 public:
  explicit TimedMutex(std::string_view name = {}, Location created = Location::here())
      : name_(name), created_(created) {}
  ~TimedMutex();
  TimedMutex(const TimedMutex&) = delete;
  TimedMutex& operator=(const TimedMutex&) = delete;

  void lock(Location where = Location::here());
  bool try_lock(Location where = Location::here());
  template <class Rep, class Period>
  bool try_lock_for(std::chrono::duration<Rep, Period> timeout, Location where = Location::here()) {
    return try_lock_for_ns(std::chrono::duration_cast<std::chrono::nanoseconds>(timeout), where);
  }
  void unlock(Location where = Location::here());

  // Who holds it in `e` (for a search that remembers states; a waiter's deadline is its task's).
  TaskId holder(const Execution& e) const { return binding_.bound_to(e) ? model_.owner() : no_task; }

 private:
  Execution* bind();
  bool try_lock_for_ns(std::chrono::nanoseconds timeout, Location where);
  void relock_misuse(Execution& e, const char* what, Location where);

  std::timed_mutex real_;
  detail::Binding binding_;
  std::string name_;
  Location created_;
  detail::LockModel model_;
};

}  // namespace sim
