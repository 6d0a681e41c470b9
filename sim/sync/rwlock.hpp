// RwLock: a shared/exclusive lock, simulated inside a simulation, a std::shared_mutex outside one.
#pragma once

#include <cstdint>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/object.hpp"

namespace sim {

// Who goes first when a writer waits while readers hold the lock. Readers: new readers keep
// joining and the writer waits until there are none (writers may starve; what glibc's
// std::shared_mutex does by default). Writers: a waiting writer holds back new readers.
enum class RwPrefer : std::uint8_t { Readers, Writers };
struct RwLockOptions {
  RwPrefer prefer = RwPrefer::Readers;
};

class RwLock {
 public:
  using Prefer = RwPrefer;
  using Options = RwLockOptions;

  explicit RwLock(std::string_view name = {}, Options options = {}, Location created = Location::here())
      : name_(name), options_(options), created_(created) {}
  ~RwLock();
  RwLock(const RwLock&) = delete;
  RwLock& operator=(const RwLock&) = delete;

  // Exclusive. A task that holds the lock shared and calls lock() is reported as LockMisuse: an
  // upgrade waits for every reader to leave, itself included, so it never ends.
  void lock(Location where = Location::here());
  bool try_lock(Location where = Location::here());
  void unlock(Location where = Location::here());
  // Shared. Taking it shared again while holding it is LockMisuse too (undefined for
  // std::shared_mutex; with writers preferred it deadlocks as soon as a writer waits in between).
  void lock_shared(Location where = Location::here());
  bool try_lock_shared(Location where = Location::here());
  void unlock_shared(Location where = Location::here());
  // Who holds it in execution `e`, exclusively and shared, for a description of the state.
  TaskId writer(const Execution& e) const { return binding_.bound_to(e) ? writer_ : no_task; }
  std::span<const TaskId> readers(const Execution& e) const {
    return binding_.bound_to(e) ? std::span<const TaskId>(readers_) : std::span<const TaskId>();
  }

 private:
  Execution* bind();
  bool can_write() const { return writer_ == no_task && readers_.empty(); }
  bool can_read() const {
    return writer_ == no_task && (options_.prefer == Prefer::Readers || writers_waiting_.head == no_task);
  }
  bool reading(TaskId t) const;
  // After any change: block or unblock every waiting task by whether it can now go on.
  void refresh(Execution& e);
  void misuse(Execution& e, const std::string& what, Location where);
  void take_shared(Execution& e, Location where);

  std::shared_mutex real_;
  detail::Binding binding_;
  std::string name_;
  Options options_;
  Location created_;
  TaskId writer_ = no_task;
  Location locked_at_;
  std::vector<TaskId> readers_;  // in the order they took it
  WaitList writers_waiting_;
  WaitList readers_waiting_;
};

// Holds an RwLock shared for a scope (std::shared_lock<RwLock> works too, but its steps point
// into <shared_mutex>).
class SharedGuard {
 public:
  explicit SharedGuard(RwLock& rw, Location where = Location::here()) : rw_(rw), where_(where) { rw_.lock_shared(where_); }
  ~SharedGuard() { rw_.unlock_shared(where_); }
  SharedGuard(const SharedGuard&) = delete;
  SharedGuard& operator=(const SharedGuard&) = delete;

 private:
  RwLock& rw_;
  Location where_;
};

// Holds an RwLock exclusively for a scope.
class ExclusiveGuard {
 public:
  explicit ExclusiveGuard(RwLock& rw, Location where = Location::here()) : rw_(rw), where_(where) { rw_.lock(where_); }
  ~ExclusiveGuard() { rw_.unlock(where_); }
  ExclusiveGuard(const ExclusiveGuard&) = delete;
  ExclusiveGuard& operator=(const ExclusiveGuard&) = delete;

 private:
  RwLock& rw_;
  Location where_;
};

}  // namespace sim
