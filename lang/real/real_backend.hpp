// RealBackend: a scenario's steps on real OS threads — cells as real memory, locks that block in
// the OS — for one run of `interleave real` (lang/real/real_runner.hpp).
//
// How this works: cells are the interpreter's int64 array, accessed through std::atomic_ref
// (relaxed for `shared`, sequentially consistent for `atomic`), a load and a store apart, so a
// check-then-act race loses updates as it would in C++ with no undefined behaviour. Mutexes,
// conditions, semaphores, channels, futures, the pools' queues, the event loop and `atomic:`
// blocks share one monitor (a std::mutex and a std::condition_variable): each waiting thread
// registers what it waits for, so the moment every live thread (the pools' workers included)
// waits for something no other can give, that is a deadlock, reported at once with who waits
// for what. Misuse (unlocking a mutex another thread holds, relocking a plain one)
// is a finding, never undefined behaviour. The first finding stops the run: every thread ends at
// its next step with RealStop, caught at the thread's entry.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "lang/backend.hpp"
#include "lang/program.hpp"

namespace lang {

// Ends a thread of a run that has stopped (a finding, a deadlock, the watchdog).
struct RealStop {};

struct RealFailure {
  sim::FailureKind kind = sim::FailureKind::AssertionFailed;
  std::string message;
  sim::Location where;
  std::string thread;  // who found it
  std::vector<std::string> details;
};

class RealBackend final : public Backend {
 public:
  enum class Noise : std::uint8_t { None, Yields };
  RealBackend(const Program& program, Noise noise);

  // The interpreter's cells (Interpreter::cells()), before the run starts.
  void attach(std::int64_t* cells) { cells_ = cells; }
  // `live` threads are about to run (the scenario's threads, or main alone for begin and end);
  // each calls enter(index) first (index threads() is main) and leave() when it is done.
  void expect(std::uint32_t live);
  // The pools' worker threads, numbered across the pools (worker k is thread threads() + 1 + k):
  // how many, and worker k's loop, which takes jobs until its pool is shut down and drained.
  // Once the scenario's threads have all left, each pool still open is drained in turn.
  std::uint32_t workers() const { return static_cast<std::uint32_t>(names_.size()) - main_ - 1; }
  void work(std::uint32_t worker);
  void enter(std::uint32_t thread);
  void leave();
  // An exception that left a thread (not a finding of the scenario: ours, or out of memory).
  void uncaught(const std::string& what);
  // The watchdog gives up on the run: every thread stops at its next step.
  void stop();
  bool stopping() const { return stopping_.load(std::memory_order_relaxed); }
  std::optional<RealFailure> failure() const;

  void reset() override {}
  std::int64_t load(std::uint32_t cell, sim::Location at, bool step) override;
  void store(std::uint32_t cell, std::int64_t value, sim::Location at, bool step) override;
  std::int64_t update(std::uint32_t cell, Next next, void* context, sim::Location at, bool step) override;
  void atomic_begin(sim::Location at) override { lock(atomic_mutex(), at); }
  void atomic_end(sim::Location at) override { unlock(atomic_mutex(), at); }
  void print(const std::string& text, sim::Location at, bool step) override;
  void lock(std::uint32_t mutex, sim::Location at) override;
  bool lock_for(std::uint32_t mutex, sim::Duration timeout, sim::Location at) override;
  void unlock(std::uint32_t mutex, sim::Location at) override;
  void wait(std::uint32_t condition, std::uint32_t mutex, sim::Location at) override;
  void notify(std::uint32_t condition, bool all, sim::Location at) override;
  void acquire(std::uint32_t semaphore, sim::Location at) override;
  void release(std::uint32_t semaphore, sim::Location at) override;
  void rw_lock(std::uint32_t rwlock, Hold hold, sim::Location at) override;
  void rw_unlock(std::uint32_t rwlock, Hold hold, sim::Location at) override;
  void count_down(std::uint32_t latch, std::int64_t by, sim::Location at) override;
  void latch_wait(std::uint32_t latch, sim::Location at) override;
  void latch_arrive(std::uint32_t latch, sim::Location at) override {
    count_down(latch, 1, at);
    latch_wait(latch, at);
  }
  void barrier_arrive(std::uint32_t barrier, sim::Location at) override { arrive(barrier, Arrival::Wait, at); }
  void barrier_drop(std::uint32_t barrier, sim::Location at) override { arrive(barrier, Arrival::Drop, at); }
  void send(std::uint32_t channel, std::int64_t value, sim::Location at) override;
  std::optional<std::int64_t> recv(std::uint32_t channel, sim::Location at) override;
  void close(std::uint32_t channel, sim::Location at) override;
  std::size_t select(std::span<const Arm> arms, bool has_else, std::optional<std::int64_t>& got) override;
  void set_future(std::uint32_t future, std::int64_t value, sim::Location at) override;
  std::optional<std::int64_t> get_future(std::uint32_t future, sim::Location at) override;
  void submit(std::uint32_t pool, Job job, std::uint32_t future, sim::Location at) override;
  std::vector<std::int64_t> map(std::uint32_t pool, const MapJob& job, const std::vector<std::int64_t>& inputs, sim::Location at) override;
  void shutdown(std::uint32_t pool, bool cancel, sim::Location at) override;
  std::unique_ptr<Completions> completions(const std::vector<std::uint32_t>& futures, sim::Location at) override;
  std::uint32_t current_task() const override { return static_cast<std::uint32_t>(self()); }
  std::string task_name(std::uint32_t task) const override { return name(static_cast<std::int32_t>(task)); }
  void loop_enter(sim::Location at) override { lock(loop_mutex(), at); }
  void loop_leave(sim::Location at) override { unlock(loop_mutex(), at); }
  void yield(sim::Location at) override;
  void sleep(sim::Duration d, sim::Location at) override;
  void compute(sim::Duration d, sim::Location at) override;
  [[noreturn]] void fail(sim::FailureKind kind, std::string message, sim::Location at, std::vector<std::string> details) override;

 private:
  struct Mutex {
    std::string name;
    Flavour flavour = Flavour::Plain;
    std::int32_t owner = -1;  // thread index, -1 when free
    std::uint32_t count = 0;  // recursive: times taken
    sim::Location locked_at;
  };
  struct Condition {
    std::string name;
    std::uint64_t arrived = 0;   // waiters so far, each with its ticket
    std::uint64_t released = 0;  // tickets below this are woken (notify_one: the oldest)
  };
  struct Semaphore {
    std::string name;
    std::int64_t count = 0;
    std::int64_t max = -1;
  };
  struct RwLock {
    std::string name;
    bool prefer_writers = false;
    std::int32_t writer = -1;
    std::vector<std::int32_t> readers;
    std::uint32_t writers_waiting = 0;
  };
  struct Latch {
    std::string name;
    std::int64_t count = 0;
  };
  struct Barrier {
    std::string name;
    std::int64_t per_phase = 0;  // arrivals a phase expects (fewer after each drop)
    std::int64_t pending = 0;    // still to arrive in this phase
    std::uint64_t phase = 0;
  };
  enum class Arrival : std::uint8_t { Wait, Drop };
  struct Channel {
    std::string name;
    std::int64_t capacity = 0;  // -1: unbounded; 0: unbuffered (a sender waits until its value is taken)
    std::deque<std::int64_t> items;
    bool closed = false;
    std::int32_t closed_by = -1;
    sim::Location closed_at;
    std::uint64_t offered = 0, taken = 0;  // unbuffered: values handed over so far
    std::uint32_t receivers = 0;           // threads waiting to receive (recv, or a select with a receive)
  };
  // Futures and pools (real_futures.cpp).
  struct Future {
    std::string name;                   // "answer", "results[2]"
    bool ready = false;
    std::optional<std::int64_t> value;  // none once ready: its job was cancelled
    std::int32_t set_by = -1;
    sim::Location set_at;
    std::uint64_t completed = 0;        // the order futures completed in (from 1), for as_completed
  };
  struct Batch {  // one `map`'s results as its jobs end (shared: a stopped run's worker may outlive the map)
    std::vector<std::int64_t> results;
    std::size_t done = 0;
    bool cancelled = false;
  };
  struct Queued {
    Job job;
    std::uint32_t future = no_future;
    std::shared_ptr<Batch> batch;  // a map's job: its result goes to batch->results[slot]
    std::size_t slot = 0;
    sim::Location at;
  };
  struct Pool {
    std::string name;
    std::uint32_t first_worker = 0;  // thread index
    std::uint32_t size = 0;
    std::deque<Queued> queue;
    bool shut = false;
    std::uint32_t running = 0;  // workers not yet ended
  };
  class Completing;
  struct Waiting {
    std::function<bool()> ready;        // empty: not waiting
    std::function<std::string()> what;  // "mutex b (held by left)", as things stand when asked
  };
  using Guard = std::unique_lock<std::mutex>;
  using Clock = std::chrono::steady_clock;

  std::uint32_t loop_mutex() const { return static_cast<std::uint32_t>(mutexes_.size() - 2); }
  std::uint32_t atomic_mutex() const { return static_cast<std::uint32_t>(mutexes_.size() - 1); }
  static std::int32_t self();  // the scenario thread this OS thread runs
  const std::string& name(std::int32_t thread) const;
  void step();    // throws RealStop once the run is stopping
  void access();  // step(), after the noise if any
  // Waits in the monitor until `ready`; false if `deadline` came first. Throws RealStop if the run stops.
  bool block(Guard& g, const std::function<bool()>& ready, const std::function<std::string()>& what, const Clock::time_point* deadline = nullptr);
  bool deadlocked() const;
  void declare_deadlock();
  [[noreturn]] void fail_locked(Guard& g, sim::FailureKind kind, std::string message, sim::Location at, std::vector<std::string> details = {});
  void record(sim::FailureKind kind, std::string message, sim::Location at, std::vector<std::string> details);
  std::string holder(const Mutex& m) const;
  void arrive(std::uint32_t barrier, Arrival arrival, sim::Location at);
  Pool& pool_of(std::uint32_t thread);  // the pool a worker thread belongs to
  void complete(Guard& g, std::uint32_t future, std::optional<std::int64_t> value, sim::Location at);
  void ended(std::int32_t thread);  // a thread leaves: a worker's pool counts it; the last scenario thread starts the drain
  void drain_next();
  std::optional<std::size_t> next_completed(Completing& c, sim::Location at);
  // Channels (real_channels.cpp): room for a send, a select arm that can go now, its step.
  static bool room(const Channel& c) { return c.capacity < 0 || c.items.size() < static_cast<std::size_t>(std::max<std::int64_t>(c.capacity, 1)); }
  bool ready(const Arm& a) const;
  void put(Guard& g, Channel& c, std::int64_t value, sim::Location at);
  std::optional<std::int64_t> take(Channel& c);

  const Program& p_;
  const Noise noise_;
  std::int64_t* cells_ = nullptr;
  std::vector<bool> atomic_cell_;  // per cell: `atomic` (sequentially consistent), else `shared` (relaxed)
  std::vector<std::string> names_;  // per thread, then "main", then the pools' workers
  std::uint32_t main_ = 0;          // main's index: the scenario's thread count
  std::atomic<bool> stopping_{false};
  mutable std::mutex m_;  // the monitor: everything below
  std::condition_variable cv_;
  std::vector<Mutex> mutexes_;  // the scenario's, then the event loop and the `atomic:` blocks' lock
  std::vector<Condition> conditions_;
  std::vector<Semaphore> semaphores_;
  std::vector<RwLock> rwlocks_;
  std::vector<Latch> latches_;
  std::vector<Barrier> barriers_;
  std::vector<Channel> channels_;
  std::vector<Future> futures_;
  std::vector<Pool> pools_;
  std::uint64_t completions_ = 0;  // futures completed so far
  std::vector<Waiting> waiting_;  // per thread
  std::uint32_t live_ = 0;
  std::uint32_t threads_left_ = 0;  // scenario threads still to leave
  std::optional<RealFailure> failure_;
};

}  // namespace lang
