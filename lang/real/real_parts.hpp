// RealBackend's parts, one per Backend interface, each with the state of its objects, all
// guarded by the one RealMonitor (lang/real/real_monitor.hpp) so a deadlock across them is seen.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "lang/backend.hpp"
#include "lang/program.hpp"
#include "lang/real/real_monitor.hpp"

namespace lang {

// Random yields and short sleeps at shared accesses, to widen the windows between them.
enum class RealNoise : std::uint8_t { None, Yields };

// Mutexes (the scenario's, then two of the backend's own), conditions and rwlocks
// (real_locks.cpp). Misuse (unlocking a mutex another thread holds, relocking a plain one) is
// a finding, never undefined behaviour.
class RealLocks final : public Locks {
 public:
  RealLocks(RealMonitor& monitor, const Program& program);
  void lock(std::uint32_t mutex, sim::Location at) override;
  bool lock_for(std::uint32_t mutex, sim::Duration timeout, sim::Location at) override;
  void unlock(std::uint32_t mutex, sim::Location at) override;
  void rw_lock(std::uint32_t rwlock, Hold hold, sim::Location at) override;
  void rw_unlock(std::uint32_t rwlock, Hold hold, sim::Location at) override;
  void wait(std::uint32_t condition, std::uint32_t mutex, sim::Location at) override;
  void notify(std::uint32_t condition, bool all, sim::Location at) override;
  // The backend's own mutexes: the event loop async tasks share, and the one `atomic:` blocks take.
  std::uint32_t loop_mutex() const { return static_cast<std::uint32_t>(mutexes_.size() - 2); }
  std::uint32_t atomic_mutex() const { return static_cast<std::uint32_t>(mutexes_.size() - 1); }

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
  struct RwLock {
    std::string name;
    bool prefer_writers = false;
    std::int32_t writer = -1;
    std::vector<std::int32_t> readers;
    std::uint32_t writers_waiting = 0;
  };
  std::string holder(const Mutex& m) const;

  RealMonitor& m_;
  std::vector<Mutex> mutexes_;
  std::vector<Condition> conditions_;
  std::vector<RwLock> rwlocks_;
};

// A scenario's order as std::memory_order.
std::memory_order std_order(Order order);

// Cells through std::atomic_ref (relaxed for `shared`, the order written for `atomic`), a
// load and a store apart, so a check-then-act race loses updates as it would in C++ with no
// undefined behaviour (real_backend.cpp).

class RealCells final : public Cells {
 public:
  RealCells(RealMonitor& monitor, RealLocks& locks, const Program& program, RealNoise noise);
  std::int64_t load(std::uint32_t cell, sim::Location at, bool step, Order order) override;
  void store(std::uint32_t cell, std::int64_t value, sim::Location at, bool step, Order order) override;
  std::int64_t update(std::uint32_t cell, Next next, void* context, sim::Location at, bool step, Order order) override;
  void fence(Order order, sim::Location at) override;
  void atomic_begin(sim::Location at) override { locks_.lock(locks_.atomic_mutex(), at); }
  void atomic_end(sim::Location at) override { locks_.unlock(locks_.atomic_mutex(), at); }
  void print(const std::string& text, sim::Location at, bool step) override;

 private:
  void access();  // a step, after the noise if any
  // A shared cell's accesses are relaxed (a race loses updates without undefined behaviour).
  std::memory_order cell_order(std::uint32_t cell, Order order) const { return atomic_[cell] ? std_order(order) : std::memory_order_relaxed; }

  RealMonitor& m_;
  RealLocks& locks_;
  const RealNoise noise_;
  std::vector<std::int64_t> cells_;  // per cell
  std::vector<bool> atomic_;         // per cell: `atomic`, else `shared`
};

// Semaphores, latches and barriers (real_locks.cpp).
class RealCounters final : public Counters {
 public:
  RealCounters(RealMonitor& monitor, const Program& program);
  void acquire(std::uint32_t semaphore, sim::Location at) override;
  void release(std::uint32_t semaphore, sim::Location at) override;
  void count_down(std::uint32_t latch, std::int64_t by, sim::Location at) override;
  void latch_wait(std::uint32_t latch, sim::Location at) override;
  void latch_arrive(std::uint32_t latch, sim::Location at) override {
    count_down(latch, 1, at);
    latch_wait(latch, at);
  }
  void barrier_arrive(std::uint32_t barrier, sim::Location at) override { arrive(barrier, Arrival::Wait, at); }
  void barrier_drop(std::uint32_t barrier, sim::Location at) override { arrive(barrier, Arrival::Drop, at); }

 private:
  struct Semaphore {
    std::string name;
    std::int64_t count = 0;
    std::int64_t max = -1;
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
  void arrive(std::uint32_t barrier, Arrival arrival, sim::Location at);

  RealMonitor& m_;
  std::vector<Semaphore> semaphores_;
  std::vector<Latch> latches_;
  std::vector<Barrier> barriers_;
};

// Buffered and unbounded queues, unbuffered hand-overs, close, and select (real_channels.cpp).
class RealChannels final : public Channels {
 public:
  RealChannels(RealMonitor& monitor, const Program& program);
  void send(std::uint32_t channel, std::int64_t value, sim::Location at) override;
  std::optional<std::int64_t> recv(std::uint32_t channel, sim::Location at) override;
  void close(std::uint32_t channel, sim::Location at) override;
  std::size_t select(std::span<const Arm> arms, bool has_else, std::optional<std::int64_t>& got) override;

 private:
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
  // Room for a send, a select arm that can go now, a send's and a receive's step.
  static bool room(const Channel& c) { return c.capacity < 0 || c.items.size() < static_cast<std::size_t>(std::max<std::int64_t>(c.capacity, 1)); }
  bool ready(const Arm& a) const;
  void put(RealMonitor::Guard& g, Channel& c, std::int64_t value, sim::Location at);
  std::optional<std::int64_t> take(Channel& c);

  RealMonitor& m_;
  std::vector<Channel> channels_;
};

// Futures, and pools whose workers are threads of the run (real_futures.cpp).
class RealFutures final : public Futures {
 public:
  RealFutures(RealMonitor& monitor, const Program& program);
  void set(std::uint32_t future, std::int64_t value, sim::Location at) override;
  std::optional<std::int64_t> get(std::uint32_t future, sim::Location at) override;
  void submit(std::uint32_t pool, Job job, std::uint32_t future, sim::Location at) override;
  std::vector<std::int64_t> map(std::uint32_t pool, const MapJob& job, const std::vector<std::int64_t>& inputs, sim::Location at) override;
  void shutdown(std::uint32_t pool, bool cancel, sim::Location at) override;
  std::unique_ptr<Completions> completions(const std::vector<std::uint32_t>& futures, sim::Location at) override;
  // Worker k's loop (numbered across the pools): it takes jobs until its pool is shut down and drained.
  void work(std::uint32_t worker);
  // A thread leaves: a worker's pool counts it; the last scenario thread starts the drain.
  void ended(RealMonitor::Guard& g, std::int32_t thread);

 private:
  struct Future {
    std::string name;  // "answer", "results[2]"
    bool ready = false;
    std::optional<std::int64_t> value;  // none once ready: its job was cancelled
    std::int32_t set_by = -1;
    sim::Location set_at;
    std::uint64_t completed = 0;  // the order futures completed in (from 1), for as_completed
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
  Pool& pool_of(std::uint32_t thread);  // the pool a worker thread belongs to
  void complete(RealMonitor::Guard& g, std::uint32_t future, std::optional<std::int64_t> value, sim::Location at);
  void drain_next();
  std::optional<std::size_t> next_completed(Completing& c, sim::Location at);

  RealMonitor& m_;
  std::vector<Future> futures_;
  std::vector<Pool> pools_;
  std::uint64_t completions_ = 0;   // futures completed so far
  std::uint32_t threads_left_ = 0;  // scenario threads still to leave
};

// Who runs, giving way, real time, the event loop and findings (real_backend.cpp).
class RealTasks final : public Tasks {
 public:
  RealTasks(RealMonitor& monitor, RealLocks& locks) : m_(monitor), locks_(locks) {}
  std::uint32_t current() const override { return static_cast<std::uint32_t>(RealMonitor::self()); }
  std::string name(std::uint32_t task) const override { return m_.name(static_cast<std::int32_t>(task)); }
  void yield(sim::Location at) override;
  void sleep(sim::Duration d, sim::Location at) override;
  void compute(sim::Duration d, sim::Location at) override;
  void loop_enter(sim::Location at) override { locks_.lock(locks_.loop_mutex(), at); }
  void loop_leave(sim::Location at) override { locks_.unlock(locks_.loop_mutex(), at); }
  void checkpoint() override { m_.step(); }
  [[noreturn]] void fail(sim::FailureKind kind, std::string message, sim::Location at, std::vector<std::string> details) override;

 private:
  RealMonitor& m_;
  RealLocks& locks_;
};

}  // namespace lang
