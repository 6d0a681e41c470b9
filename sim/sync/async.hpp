// Async tasks: C++20 coroutines on a single-threaded event loop, explored at their co_awaits.
//
//   sim::async::Task<int> fetch(sim::Channel<int>& in) {
//     std::optional<int> v = co_await sim::async::recv(in);   // waits without blocking the loop
//     co_await sim::async::sleep_for(10ms);
//     co_return v.value_or(0);
//   }
//   sim::async::Loop loop{"loop"};
//   sim::Future<int> f = loop.spawn(fetch(jobs), "fetch");
//   loop.run();                                                // until every coroutine is done
//
// One loop runs on one task (or thread): its coroutines interleave only where one suspends at
// a co_await, and in a simulation which ready coroutine the loop resumes next is a choice the
// strategy explores. Timers fire in deadline order on the execution's virtual clock; when no
// coroutine is ready the loop's task waits, with the earliest deadline, for a future or a
// channel to wake one (loose or strict timing as for any timed wait). Each resumption is a
// scheduling point (OpKind::Resume on the loop, the value the coroutine's name). Code between
// two co_awaits runs on the loop's task like any code: a blocking call (a Mutex, a plain
// Channel::recv) blocks the whole loop, as it would in asyncio.
#pragma once

#include <coroutine>
#include <exception>
#include <optional>
#include <utility>

#include "sim/sync/async_loop.hpp"

namespace sim::async {

template <class T = void>
class Task {
 public:
  struct promise_type : detail::Returns<T> {
    Task get_return_object() { return Task(std::coroutine_handle<promise_type>::from_promise(*this)); }
    std::suspend_always initial_suspend() noexcept { return {}; }
    detail::FinalAwaiter final_suspend() noexcept { return {}; }
    void unhandled_exception() { this->keep_exception(); }
  };
  using Handle = std::coroutine_handle<promise_type>;

  Task(Task&& other) noexcept : h_(std::exchange(other.h_, {})) {}
  Task& operator=(Task&& other) noexcept {
    if (this != &other) {
      if (h_) h_.destroy();
      h_ = std::exchange(other.h_, {});
    }
    return *this;
  }
  ~Task() {
    if (h_) h_.destroy();
  }

  // Awaiting a task runs it in the awaiting coroutine's place (as `await coro()` in asyncio)
  // until it returns; its exception comes out of the co_await.
  class Awaiter {
   public:
    explicit Awaiter(Handle child) : child_(child) {}
    bool await_ready() const noexcept { return false; }
    template <class P>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<P> parent) noexcept {
      child_.promise().adopt(parent.promise(), parent);
      return child_;
    }
    T await_resume() { return child_.promise().result(); }

   private:
    Handle child_;
  };
  Awaiter operator co_await() && { return Awaiter(h_); }

 private:
  friend class Loop;
  explicit Task(Handle h) : h_(h) {}
  Handle h_;
};

// Suspends the coroutine for `d` of (virtual) time; sleep_for(0) lets the other ready ones run.
inline detail::SleepAwaiter sleep_for(Duration d, Location where = Location::here()) { return {d, where}; }
inline detail::SleepAwaiter yield(Location where = Location::here()) { return {Duration{0}, where}; }

// Receives from `ch` without blocking the loop: co_await gives std::optional<T> (nullopt: closed).
template <class T>
detail::RecvAwaiter<T> recv(Channel<T>& ch, Location where = Location::here()) {
  return detail::RecvAwaiter<T>(ch, where);
}

// `co_await sim::async::get(future)`: as `co_await future`, with the place recorded for the story.
template <class T>
detail::FutureAwaiter<T> get(Future<T>& f, Location where = Location::here()) {
  return detail::FutureAwaiter<T>(f, where);
}

// Starts `task` as a coroutine of its own on this loop; its result comes through the future
// (which a coroutine can co_await and a thread can get()).
template <class T>
Future<T> Loop::spawn(Task<T> task, std::string_view name, Location where) {
  Promise<T> promise(name, where);
  Future<T> future = promise.get_future(where);
  Task<void> r = root(std::move(task), std::move(promise));
  typename Task<void>::Handle h = std::exchange(r.h_, {});  // the loop owns it from now on
  start(h, h.promise(), name, where);
  return future;
}

template <class T>
Task<void> Loop::root(Task<T> task, Promise<T> promise) {
  try {
    if constexpr (std::is_void_v<T>) {
      co_await std::move(task);
      promise.set_value();
    } else {
      promise.set_value(co_await std::move(task));
    }
  } catch (const sim::detail::Abort&) {
    throw;  // the execution is stopping: not the coroutine's exception
  } catch (...) {
    promise.set_exception(std::current_exception());
  }
}

}  // namespace sim::async

namespace sim {

// `co_await future` in a coroutine: suspends until the promise is set (the loop runs the
// others meanwhile), then gives the value or throws the exception.
template <class T>
async::detail::FutureAwaiter<T> operator co_await(Future<T>& f) {
  return async::detail::FutureAwaiter<T>(f, Location{});
}
template <class T>
async::detail::FutureAwaiter<T> operator co_await(Future<T>&& f) {
  return async::detail::FutureAwaiter<T>(f, Location{});
}

}  // namespace sim
