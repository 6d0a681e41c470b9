// ThreadPool: a fixed number of worker threads (simulated tasks, or OS threads outside a simulation).
//
// Built from the other primitives: the work queue is an unbounded Channel, the workers are
// sim::Threads, each job's result travels through a Promise/Future pair. So its steps, its
// happens-before edges and its deadlock stories are theirs: a job that waits for another job
// queued behind it in a full pool reads "pool.worker0 waits to get future pool.job2, which
// nobody sets".
//
// Shutdown (also the destructor) with work pending: Shutdown::Drain (the default) runs every
// job already submitted, then stops the workers; Shutdown::Cancel drops the jobs not yet
// started, whose futures then throw sim::CancelledError. Either way it waits for the workers.
// Submitting after shutdown is FutureMisuse (std::runtime_error outside a simulation).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "sim/sync/channel.hpp"
#include "sim/sync/future.hpp"
#include "sim/sync/thread.hpp"

namespace sim {

// What the future of a job dropped by Shutdown::Cancel throws.
class CancelledError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class Shutdown : std::uint8_t { Drain, Cancel };

class ThreadPool {
 public:
  explicit ThreadPool(std::size_t workers, std::string_view name = "pool", Location created = Location::here());
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // Runs `f()` on a worker; its result, or the exception it threw, comes through the future.
  template <class F>
  auto submit(F&& f, Location where = Location::here()) -> Future<std::invoke_result_t<std::decay_t<F>&>> {
    using R = std::invoke_result_t<std::decay_t<F>&>;
    Promise<R> promise(next_job_name(), where);
    Future<R> future = promise.get_future(where);
    enqueue(std::make_unique<Job<R, std::decay_t<F>>>(std::forward<F>(f), std::move(promise), where), where);
    return future;
  }
  // f(x) for every input, on the workers; the results in input order (a job's exception is
  // rethrown here, the first in input order).
  template <class F, class A>
  auto map(F f, const std::vector<A>& inputs, Location where = Location::here())
      -> std::vector<std::invoke_result_t<F&, const A&>> {
    using R = std::invoke_result_t<F&, const A&>;
    std::vector<Future<R>> futures;
    futures.reserve(inputs.size());
    for (const A& x : inputs) futures.push_back(submit([f, &x]() mutable { return f(x); }, where));
    std::vector<R> results;
    results.reserve(inputs.size());
    for (Future<R>& fut : futures) results.push_back(fut.get(where));
    return results;
  }
  void shutdown(Shutdown how = Shutdown::Drain, Location where = Location::here());

  std::size_t size() const { return workers_.size(); }

 private:
  struct Work {
    virtual ~Work() = default;
    virtual void run() = 0;
    virtual void cancel() = 0;
  };
  template <class R, class F>
  struct Job final : Work {
    // The job's steps (its result set) point where it was submitted: a scenario's line, not this file.
    Job(F fn, Promise<R> p, Location at) : f(std::move(fn)), promise(std::move(p)), where(at) {}
    void run() override {
      try {
        if constexpr (std::is_void_v<R>) {
          f();
          promise.set_value(where);
        } else {
          promise.set_value(f(), where);
        }
      } catch (...) {
        promise.set_exception(std::current_exception(), where);
      }
    }
    void cancel() override {
      promise.set_exception(std::make_exception_ptr(CancelledError("the pool was shut down before this job started")), where);
    }
    F f;
    Promise<R> promise;
    Location where;
  };

  std::string next_job_name();
  void enqueue(std::unique_ptr<Work> work, Location where);
  void work();

  std::string name_;
  Location created_;  // where the workers' own steps point: the pool, not this file
  Channel<std::unique_ptr<Work>> queue_;
  std::vector<Thread> workers_;
  std::atomic<std::uint64_t> jobs_{0};
  std::atomic<bool> shut_{false};
};

}  // namespace sim
