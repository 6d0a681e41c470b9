// Backend: the seam between the interpreter's walk over the AST and the runtime its steps go to,
// as six small interfaces (cells, locks, counters, channels, futures, tasks).
//
// How a statement reaches a backend: Interpreter::exec switches on the statement's kind and calls
// a method of one of these interfaces through the Backend it was made with — `x = 1` is
// cells.store, `lock m:` is locks.lock then locks.unlock, `send c, v` is channels.send. The
// interpreter decides *which* step comes next (the statement it is at); the backend decides what
// the step *is*:
// - SimBackend (lang/sim/) announces each step to the current sim::Execution (scheduled, then
//   published to the observers), on the sim primitives, so strategies, checkers and replay
//   tokens see it. SimBackend::run is one execution: a task per scenario thread.
// - RealBackend (lang/real/) does the same step on real OS threads: cells are real memory,
//   locks block in the OS, sleeps take real time. run_real_threads starts the threads. A
//   statement it has no counterpart for (one added to the language later) is refused before a
//   run starts (lang/real/real_support.cpp), never run half-right.
// Objects are numbered by the checker (a cell, the n-th mutex, ...); `at` is the statement's line.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "lang/ast.hpp"
#include "sim/core/failure.hpp"
#include "sim/core/ids.hpp"
#include "sim/time/time.hpp"

namespace lang {

// Shared and atomic variables, one cell per element, and the output every thread prints to.
class Cells {
 public:
  virtual ~Cells() = default;
  // A cell's value now, taking no step (invariants, the values a finding shows); safe while
  // real threads write it. Not virtual: a scenario with an invariant peeks after every write.
  std::int64_t peek(std::uint32_t cell) const { return std::atomic_ref<const std::int64_t>(values_[cell]).load(std::memory_order_relaxed); }
  // `step` is false inside an `atomic:` block, whose one step covers every access in it. `order`
  // matters only for an atomic cell (a shared one is a plain access).
  virtual std::int64_t load(std::uint32_t cell, sim::Location at, bool step, Order order) = 0;
  virtual void store(std::uint32_t cell, std::int64_t value, sim::Location at, bool step, Order order) = 0;
  // An atomic read-modify-write: `next(context, old, check)` gives the new value, or nothing for
  // a compare-and-swap that fails (which only reads). With Check::Errors it raises the
  // operation's runtime error (an overflow); with Check::Quiet it never does, since the memory
  // model asks it about every store the operation could read. Returns the old value.
  enum class Check : std::uint8_t { Quiet, Errors };
  using Next = std::optional<std::int64_t> (*)(void* context, std::int64_t old, Check check);
  virtual std::int64_t update(std::uint32_t cell, Next next, void* context, sim::Location at, bool step, Order order) = 0;
  // C++'s atomic_thread_fence; a seq_cst one is a step of its own.
  virtual void fence(Order order, sim::Location at) = 0;
  // The outermost `atomic:` block begins and ends.
  virtual void atomic_begin(sim::Location at) = 0;
  virtual void atomic_end(sim::Location at) = 0;
  virtual void print(const std::string& text, sim::Location at, bool step) = 0;

 protected:
  // Every backend keeps the values in one array, which lives as long as it does; its constructor sets this.
  const std::int64_t* values_ = nullptr;
};

// Mutexes of any flavour, rwlocks, and conditions (waited on with a plain mutex held).
class Locks {
 public:
  virtual ~Locks() = default;
  virtual void lock(std::uint32_t mutex, sim::Location at) = 0;
  virtual bool lock_for(std::uint32_t mutex, sim::Duration timeout, sim::Location at) = 0;  // timed mutexes
  virtual void unlock(std::uint32_t mutex, sim::Location at) = 0;
  // Held shared for `read rw:`, exclusively for `write rw:`.
  enum class Hold : std::uint8_t { Shared, Exclusive };
  virtual void rw_lock(std::uint32_t rwlock, Hold hold, sim::Location at) = 0;
  virtual void rw_unlock(std::uint32_t rwlock, Hold hold, sim::Location at) = 0;
  virtual void wait(std::uint32_t condition, std::uint32_t mutex, sim::Location at) = 0;
  virtual void notify(std::uint32_t condition, bool all, sim::Location at) = 0;
};

// Semaphores, latches and barriers: a count that threads wait on.
class Counters {
 public:
  virtual ~Counters() = default;
  virtual void acquire(std::uint32_t semaphore, sim::Location at) = 0;
  virtual void release(std::uint32_t semaphore, sim::Location at) = 0;
  virtual void count_down(std::uint32_t latch, std::int64_t by, sim::Location at) = 0;
  virtual void latch_wait(std::uint32_t latch, sim::Location at) = 0;        // `wait done`
  virtual void latch_arrive(std::uint32_t latch, sim::Location at) = 0;      // `arrive_and_wait` on a latch
  virtual void barrier_arrive(std::uint32_t barrier, sim::Location at) = 0;  // `arrive_and_wait` on a barrier
  virtual void barrier_drop(std::uint32_t barrier, sim::Location at) = 0;
};

class Channels {
 public:
  virtual ~Channels() = default;
  virtual void send(std::uint32_t channel, std::int64_t value, sim::Location at) = 0;
  // Nothing once the channel is closed and drained.
  virtual std::optional<std::int64_t> recv(std::uint32_t channel, sim::Location at) = 0;
  virtual void close(std::uint32_t channel, sim::Location at) = 0;
  // One case of a select: a send of `value` (worked out before the select) or a receive.
  struct Arm {
    std::uint32_t channel = 0;
    bool sends = false;
    std::int64_t value = 0;
    sim::Location at;
  };
  // Takes one ready arm (waiting until one is, unless there is an `else:`): its index, with a
  // receive's value in `got`; arms.size() for the `else:`.
  virtual std::size_t select(std::span<const Arm> arms, bool has_else, std::optional<std::int64_t>& got) = 0;
};

// Futures and thread pools. A job is a procedure call the interpreter runs on one of the pool's
// workers; its result sets `future` (no_future: none).
class Futures {
 public:
  virtual ~Futures() = default;
  static constexpr std::uint32_t no_future = UINT32_MAX;
  using Job = std::function<std::int64_t()>;
  using MapJob = std::function<std::int64_t(std::int64_t)>;
  virtual void set(std::uint32_t future, std::int64_t value, sim::Location at) = 0;  // a second set is a finding
  // Waits for the value; nullopt if the job that was to set it was dropped by `shutdown p, cancel`.
  virtual std::optional<std::int64_t> get(std::uint32_t future, sim::Location at) = 0;
  virtual void submit(std::uint32_t pool, Job job, std::uint32_t future, sim::Location at) = 0;  // after shutdown: a finding
  // job(inputs[i]) for every i on the pool's workers; waits for all; the results in input order.
  virtual std::vector<std::int64_t> map(std::uint32_t pool, const MapJob& job, const std::vector<std::int64_t>& inputs, sim::Location at) = 0;
  // Drain (run what is queued) or cancel (drop what no worker started), then wait for the workers.
  virtual void shutdown(std::uint32_t pool, bool cancel, sim::Location at) = 0;
  // `for i in as_completed fs:` — next() gives the position in `futures` of each one as it
  // completes (waiting for it), then nullopt.
  class Completions {
   public:
    virtual ~Completions() = default;
    virtual std::optional<std::size_t> next(sim::Location at) = 0;
  };
  virtual std::unique_ptr<Completions> completions(const std::vector<std::uint32_t>& futures, sim::Location at) = 0;
};

// Who takes a step, giving way, time, the event loop, and the end of a run.
class Tasks {
 public:
  virtual ~Tasks() = default;
  // Who takes this step, as a number name() knows (pool workers included).
  virtual std::uint32_t current() const = 0;
  virtual std::string name(std::uint32_t task) const = 0;
  virtual void yield(sim::Location at) = 0;
  virtual void sleep(sim::Duration d, sim::Location at) = 0;
  virtual void compute(sim::Duration d, sim::Location at) = 0;
  // The event loop async tasks share: held from one `await` to the next.
  virtual void loop_enter(sim::Location at) = 0;
  virtual void loop_leave(sim::Location at) = 0;
  // Asked now and then by work that takes no step (a long loop over locals), so a run that is
  // stopping ends there too (sim: the search's time is up; real: a finding or the watchdog).
  virtual void checkpoint() = 0;
  // A finding ends the run (sim: the execution; real: every thread of the run, at its next step).
  [[noreturn]] virtual void fail(sim::FailureKind kind, std::string message, sim::Location at, std::vector<std::string> details = {}) = 0;
};

// One backend: an implementation of each interface, for the interpreter to call.
struct Backend {
  Cells& cells;
  Locks& locks;
  Counters& counters;
  Channels& channels;
  Futures& futures;
  Tasks& tasks;
};

}  // namespace lang
