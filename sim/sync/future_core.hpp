// FutureCore: the untyped shared state of a Promise/Future pair — set once, waited for, watched.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/object.hpp"

namespace sim {

namespace detail {

template <class T>
struct FutureAccess;

// Something to run once a future is ready (as_completed's queue, an event loop's coroutine).
// Runs in the task (or thread) that sets the promise; it must not wait or take a step.
struct Continuation {
  void (*run)(void*) = nullptr;
  void* context = nullptr;
};

class FutureCore {
 public:
  FutureCore(std::string_view name, Location created) : name_(name), created_(created) {}
  FutureCore(const FutureCore&) = delete;
  FutureCore& operator=(const FutureCore&) = delete;
  virtual ~FutureCore() = default;

  // Setting: begin_set is the scheduling point and reports a second set (false: do not set);
  // outside a simulation it locks `lock` and throws std::future_error on a second set. The
  // caller stores the value, then finish_set wakes the waiters and runs the continuations.
  bool begin_set(std::unique_lock<std::mutex>& lock, Location where);
  void finish_set(Location where, ValueRef value);
  // The promise is going away: a future still waiting gets std::future_error(broken_promise).
  void abandon();
  // get_future: once per promise.
  void retrieve(Location where);
  // Waits until set (a scheduling point in a simulation) and publishes Get.
  void wait(Location where, bool take);
  // A get or wait on a future with no state: FutureMisuse in a simulation.
  static void no_state(Location where);

  // Runs `c` when the future is ready (at once if it is); forget() takes it back.
  void on_ready(Continuation c);
  void forget(void* context);
  // Outside a simulation, only with the mutex held (on_ready decides atomically).
  bool ready() const { return ready_; }
  ObjectId id() const { return binding_.id(); }
  void bind(Execution& e);
  // For a search that remembers states (sim/core/state_source.hpp): whether it is set, with an
  // error, and by whom (a second set names them), each task written as `who` names it. Who
  // waits is in the waiting tasks' positions and scheduling states.
  void state(std::vector<std::uint64_t>& out, const std::function<std::uint64_t(TaskId)>& who) const {
    out.push_back(ready_ ? 1 + who(set_by_) : 0);
    out.push_back(error != nullptr ? 1 : 0);
    out.push_back(continuations_.size());
  }

  std::exception_ptr error;  // set instead of a value

 private:
  void complete(Execution* e, Location where, ValueRef value);

  detail::Binding binding_;
  std::string name_;
  Location created_;
  bool ready_ = false;
  bool retrieved_ = false;
  TaskId set_by_ = no_task;
  Location set_at_;
  WaitList waiters_;
  std::vector<Continuation> continuations_;
  std::mutex mutex_;  // outside a simulation
  std::condition_variable set_;
};

}  // namespace detail
}  // namespace sim
