// The event loop behind sim::async, and the awaitables its coroutines suspend on.
#pragma once

#include <condition_variable>
#include <coroutine>
#include <cstdint>
#include <deque>
#include <exception>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/sync/future.hpp"
#include "sim/sync/select.hpp"
#include "sim/time/time.hpp"

namespace sim::async {

class Loop;
template <class T>
class Task;

namespace detail {

// What every coroutine promise knows: its loop, the name of the coroutine the loop started
// (a task awaited inline shares it), who awaits it, and the exception it ended with.
struct PromiseBase {
  Loop* loop = nullptr;
  const std::string* name = nullptr;
  std::coroutine_handle<> continuation;
  std::exception_ptr error;

  void adopt(const PromiseBase& parent, std::coroutine_handle<> awaiting) {
    loop = parent.loop;
    name = parent.name;
    continuation = awaiting;
  }
  // An execution stopping unwinds through the coroutine: that is not its own exception.
  void keep_exception() {
    try {
      throw;
    } catch (const sim::detail::Abort&) {
      throw;
    } catch (...) {
      error = std::current_exception();
    }
  }
};

template <class T>
struct Returns : PromiseBase {
  std::optional<T> value;
  void return_value(T v) { value.emplace(std::move(v)); }
  T result() {
    if (error) std::rethrow_exception(error);
    return std::move(*value);
  }
};
template <>
struct Returns<void> : PromiseBase {
  void return_void() {}
  void result() {
    if (error) std::rethrow_exception(error);
  }
};

// At its end a coroutine goes on with whoever awaited it; a coroutine the loop started
// returns to the loop.
struct FinalAwaiter {
  bool await_ready() const noexcept { return false; }
  template <class P>
  std::coroutine_handle<> await_suspend(std::coroutine_handle<P> h) noexcept {
    std::coroutine_handle<> next = h.promise().continuation;
    return next ? next : std::noop_coroutine();
  }
  void await_resume() const noexcept {}
};

struct SleepAwaiter {
  Duration d;
  Location where;
  bool await_ready() const noexcept { return false; }
  template <class P>
  void await_suspend(std::coroutine_handle<P> h);
  void await_resume() const noexcept {}
};

template <class T>
class FutureAwaiter {
 public:
  FutureAwaiter(Future<T>& f, Location where) : future_(f), where_(where) {}
  FutureAwaiter(const FutureAwaiter&) = delete;
  ~FutureAwaiter() {
    if (core_ && !fired_) core_->forget(this);
  }
  bool await_ready() const noexcept { return false; }
  template <class P>
  void await_suspend(std::coroutine_handle<P> h);
  T await_resume() { return future_.get(where_); }

 private:
  static void fire(void* self);
  Future<T>& future_;
  Location where_;
  std::shared_ptr<sim::detail::FutureCore> core_;
  Loop* loop_ = nullptr;
  std::coroutine_handle<> h_;
  const std::string* name_ = nullptr;
  bool fired_ = false;
};

template <class T>
class RecvAwaiter {
  using Access = sim::detail::ChannelAccess<T>;

 public:
  RecvAwaiter(Channel<T>& ch, Location where) : ch_(ch), where_(where) {}
  RecvAwaiter(const RecvAwaiter&) = delete;
  ~RecvAwaiter();
  bool await_ready() const noexcept { return false; }
  template <class P>
  bool await_suspend(std::coroutine_handle<P> h);
  std::optional<T> await_resume();

 private:
  static void wake(void* self);
  Channel<T>& ch_;
  Location where_;
  std::optional<T> got_;          // taken at once, without suspending
  sim::detail::Taker<T> taker_;   // or handed over by the channel later
  bool waiting_ = false;
  bool delivered_ = false;
  Loop* loop_ = nullptr;
  std::coroutine_handle<> h_;
  const std::string* name_ = nullptr;
};

}  // namespace detail

class Loop {
 public:
  explicit Loop(std::string_view name = "loop", Location created = Location::here())
      : name_(name), created_(created) {}
  ~Loop();
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;

  template <class T>
  Future<T> spawn(Task<T> task, std::string_view name = {}, Location where = Location::here());
  // Runs coroutines until every one spawned (before or during the run) has finished.
  void run(Location where = Location::here());

  // For awaitables: `h` may go on (from any task or thread), or after `d` of time.
  void ready(std::coroutine_handle<> h, const std::string* name, Location where);
  void sleep(std::coroutine_handle<> h, const std::string* name, Duration d, Location where);

 private:
  struct Entry {
    std::coroutine_handle<> h;
    const std::string* name;
    Location where;
  };
  struct Timer {
    Nanos at;
    std::uint64_t seq;
    Entry entry;
  };
  struct Root {
    std::coroutine_handle<> h;
    std::string name;
  };

  template <class T>
  static Task<void> root(Task<T> task, Promise<T> promise);
  void start(std::coroutine_handle<> h, detail::PromiseBase& p, std::string_view name, Location where);
  void run_simulated(Execution& e, Location where);
  void run_real();
  void wait_for_work(Execution& e, Location where);
  void fire_timers(Nanos now);
  void reap();

  std::string name_;
  Location created_;
  sim::detail::Binding binding_;
  std::deque<Entry> ready_;
  std::vector<Timer> timers_;  // by deadline, then by order of sleeping
  std::uint64_t timer_seq_ = 0;
  std::list<Root> roots_;
  std::uint64_t spawned_ = 0;
  TaskId runner_ = no_task;    // the task in run()
  bool idle_ = false;          // it waits for a coroutine to be woken
  WaitList idle_list_;
  std::mutex mutex_;           // outside a simulation
  std::condition_variable woken_;
};

// --- awaitables ---

namespace detail {

template <class P>
void SleepAwaiter::await_suspend(std::coroutine_handle<P> h) {
  h.promise().loop->sleep(h, h.promise().name, d, where);
}

template <class T>
template <class P>
void FutureAwaiter<T>::await_suspend(std::coroutine_handle<P> h) {
  loop_ = h.promise().loop;
  h_ = h;
  name_ = h.promise().name;
  core_ = sim::detail::FutureAccess<T>::core(future_);
  if (!core_) return loop_->ready(h, name_, where_);  // get() reports the missing state
  core_->on_ready(sim::detail::Continuation{&FutureAwaiter::fire, this});
}

template <class T>
void FutureAwaiter<T>::fire(void* self) {
  auto* a = static_cast<FutureAwaiter*>(self);
  a->fired_ = true;
  a->loop_->ready(a->h_, a->name_, a->where_);
}

template <class T>
template <class P>
bool RecvAwaiter<T>::await_suspend(std::coroutine_handle<P> h) {
  loop_ = h.promise().loop;
  h_ = h;
  name_ = h.promise().name;
  sim::detail::ChannelCore& core = Access::core(ch_);
  Execution* e = Execution::current();
  std::unique_lock<std::mutex> lock;
  if (e != nullptr) {
    Access::bind(ch_, *e);
    e->schedule(OpKind::Recv, core.id(), where_);
  } else {
    lock = std::unique_lock<std::mutex>(core.mutex());
  }
  if (core.can_recv()) {
    got_ = Access::take(ch_, e, where_);
    return false;  // a value is there: no suspension, as asyncio's Queue.get
  }
  taker_.on_wake = &RecvAwaiter::wake;
  taker_.context = this;
  waiting_ = true;
  Access::add_taker(ch_, &taker_);
  Access::changed(ch_, e);  // a waiting receiver lets an unbuffered select's send go on
  return true;
}

template <class T>
void RecvAwaiter<T>::wake(void* self) {
  auto* a = static_cast<RecvAwaiter*>(self);
  a->waiting_ = false;
  a->delivered_ = true;
  a->loop_->ready(a->h_, a->name_, a->where_);
}

template <class T>
std::optional<T> RecvAwaiter<T>::await_resume() {
  if (!delivered_) return std::move(got_);
  if (Execution* e = Execution::current()) {
    const ValueRef v = taker_.value ? sim::detail::value_ref(*taker_.value) : ValueRef{};
    e->publish(OpKind::Recv, Access::core(ch_).id(), where_, v, taker_.from, taker_.value.has_value());
  }
  return std::move(taker_.value);
}

template <class T>
RecvAwaiter<T>::~RecvAwaiter() {
  if (!waiting_) return;
  std::unique_lock<std::mutex> lock;
  if (Execution::current() == nullptr) lock = std::unique_lock<std::mutex>(Access::core(ch_).mutex());
  Access::remove_taker(ch_, &taker_);
}

}  // namespace detail
}  // namespace sim::async
