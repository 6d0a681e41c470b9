// SimState: everything a scenario holds in the simulation, in one place — the values of its
// shared and atomic variables and the sim primitive behind each of its objects, by number.
//
// The whole state of a running scenario is this, what the Execution keeps (each task's state
// and place in the wait lists, virtual time: sim/core/execution.hpp) and the interpreter's tasks
// (frames and locals: lang/interpreter.hpp); a task's position in its statements is its fiber's
// stack, since the interpreter walks the AST recursively. The primitives are made once and
// rebound to each execution as it first touches them; the futures and pools are made in main
// when an execution starts (the pools' workers are its tasks) and go when it ends.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "lang/program.hpp"
#include "sim/core/execution.hpp"
#include "sim/sync/barrier.hpp"
#include "sim/sync/channel.hpp"
#include "sim/sync/condvar.hpp"
#include "sim/sync/future.hpp"
#include "sim/sync/latch.hpp"
#include "sim/sync/mutex.hpp"
#include "sim/sync/mutex_variants.hpp"
#include "sim/sync/rwlock.hpp"
#include "sim/sync/thread_pool.hpp"

namespace lang {

// One of the scenario's mutexes: exactly one of the three is set, by its flavour.
struct SimMutex {
  std::unique_ptr<sim::Mutex> plain;
  std::unique_ptr<sim::RecursiveMutex> recursive;
  std::unique_ptr<sim::TimedMutex> timed;
};

// A counting semaphore with an optional max, on the Execution's wait lists.
struct SimSemaphore {
  std::int64_t count = 0;
  std::int64_t max = -1;  // -1: no max
  sim::ObjectId id = sim::no_object;
  sim::WaitList waiters;
};

struct SimState {
  explicit SimState(const Program& program);
  SimState(const SimState&) = delete;
  SimState& operator=(const SimState&) = delete;
  // A new execution: every cell at its initial value and unbound, every semaphore at its initial count.
  void reset(const Program& program);

  std::vector<std::int64_t> cells;      // per cell (one per element of a shared or atomic variable)
  std::vector<sim::ObjectId> cell_ids;  // per cell: its Execution object, no_object until first touched
  std::vector<SimMutex> mutexes;
  std::vector<std::unique_ptr<sim::RwLock>> rwlocks;
  std::vector<std::unique_ptr<sim::CondVar>> conditions;
  std::vector<SimSemaphore> semaphores;
  std::vector<std::unique_ptr<sim::Latch>> latches;
  std::vector<std::unique_ptr<sim::Barrier<>>> barriers;
  std::vector<std::unique_ptr<sim::Channel<std::int64_t>>> channels;
  // Per future: its promise until a job takes it to set when the job ends, and its future.
  std::vector<std::optional<sim::Promise<std::int64_t>>> promises;
  std::vector<sim::Future<std::int64_t>> futures;
  std::vector<std::unique_ptr<sim::ThreadPool>> pools;
  // The event loop async tasks share: a task holds it from one `await` to the next, so only
  // `await` gives way to another async task (and a `compute` between blocks them all).
  sim::Mutex event_loop;
  sim::ObjectId output = sim::no_object;  // the output every print is a step on
  sim::ObjectId atomic = sim::no_object;  // the lock `atomic:` blocks are shown as taking
  std::vector<sim::TaskId> threads;       // the scenario's threads in this execution
};

}  // namespace lang
