// Mutex: a simulated lock inside a simulation, a std::mutex outside one; plus scoped guards.
#pragma once

#include <mutex>
#include <string>
#include <string_view>

#include "sim/core/object.hpp"

namespace sim {

class Mutex {
 public:
  explicit Mutex(std::string_view name = {}, Location created = Location::here())
      : name_(name), created_(created) {}
  ~Mutex();
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void lock(Location where = Location::here());
  bool try_lock(Location where = Location::here());
  void unlock(Location where = Location::here());
  // Who holds it in execution `e` (no_task: nobody), for a description of the state.
  TaskId holder(const Execution& e) const { return binding_.bound_to(e) ? owner_ : no_task; }

 private:
  friend class CondVar;
  void bind(Execution& e);
  // Take the mutex, waiting (as a scheduling point) while someone else holds it.
  void acquire(Execution& e, Location where);
  void release(Execution& e);
  std::string describe(Execution& e) const;
  // Misuse reports, out of line so the common path of lock and unlock stays small.
  [[gnu::cold, gnu::noinline]] void relocked(Execution& e, Location where);
  [[gnu::cold, gnu::noinline]] void unlocked_by_other(Execution& e, Location where);

  std::mutex real_;
  detail::Binding binding_;
  std::string name_;
  Location created_;
  TaskId owner_ = no_task;
  Location locked_at_;
  WaitList waiters_;  // tasks whose next operation is to take this mutex
};

// Holds a mutex for a scope: a Mutex, RecursiveMutex or TimedMutex (`sim::LockGuard g(m);`
// deduces which). Records where it was taken, so the unlock in the history points at the guard
// (std::lock_guard<sim::Mutex> works too, but its steps point into <mutex>).
template <class M>
class LockGuard {
 public:
  explicit LockGuard(M& m, Location where = Location::here()) : m_(m), where_(where) { m_.lock(where_); }
  ~LockGuard() { m_.unlock(where_); }
  LockGuard(const LockGuard&) = delete;
  LockGuard& operator=(const LockGuard&) = delete;

 private:
  M& m_;
  Location where_;
};

// A std::unique_lock<Mutex> whose lock step records the caller's location; what CondVar waits with.
class UniqueLock : public std::unique_lock<Mutex> {
 public:
  explicit UniqueLock(Mutex& m, Location where = Location::here())
      : std::unique_lock<Mutex>((m.lock(where), m), std::adopt_lock) {}
};

}  // namespace sim
