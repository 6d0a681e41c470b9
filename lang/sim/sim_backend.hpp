// SimBackend: a scenario's steps in the simulation — each announced to the current
// sim::Execution (scheduled, then published to the observers) on the sim primitives, so the
// strategies, checkers and replay tokens of the C++ API apply to scenarios.
//
// It owns the scenario's SimState (lang/sim/sim_state.hpp: every value and primitive, in one
// place) and one part per Backend interface, each a few methods over that state. run() is one
// execution: the state reset, then a task per scenario thread. One backend and its interpreter
// serve one OS thread, execution after execution (lang::make_body keeps a pair per thread):
//
//   lang::SimBackend backend(*program);
//   lang::Interpreter interpreter(*program, {}, backend.backend());
//   sim::Execution().run([&] { backend.run(interpreter); }, strategy, observers);
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "lang/backend.hpp"
#include "lang/interpreter.hpp"
#include "lang/program.hpp"
#include "lang/sim/sim_futures.hpp"
#include "lang/sim/sim_state.hpp"
#include "sim/core/state_source.hpp"

namespace lang {

class SimBackend;

// How an int64 shows in a story (a cell's value, a semaphore's count).
void show_int(const void* value, std::string& out);

// Cells bound lazily to Execution objects: a read or write of one is a step on its object (as
// sim::Shared's is); a print is a step on the shared output.
class SimCells final : public Cells {
 public:
  explicit SimCells(SimBackend& b);
  std::int64_t load(std::uint32_t cell, sim::Location at, bool step, Order order) override;
  void store(std::uint32_t cell, std::int64_t value, sim::Location at, bool step, Order order) override;
  std::int64_t update(std::uint32_t cell, Next next, void* context, sim::Location at, bool step, Order order) override;
  void fence(Order order, sim::Location at) override;
  void atomic_begin(sim::Location at) override;
  void atomic_end(sim::Location at) override;
  void print(const std::string& text, sim::Location at, bool step) override;

 private:
  sim::ObjectId object(std::uint32_t cell);
  sim::MemoryModel* model(std::uint32_t cell, sim::ObjectId id, Order order);

  SimBackend& b_;
  std::vector<sim::ObjectKind> kinds_;  // per cell
  std::vector<sim::Location> created_;  // per cell: its declaration
  const std::string output_name_ = "output";  // objects keep references to their names
  const std::string atomic_name_ = "atomic";
};

class SimLocks final : public Locks {
 public:
  explicit SimLocks(SimBackend& b) : b_(b) {}
  void lock(std::uint32_t mutex, sim::Location at) override;
  bool lock_for(std::uint32_t mutex, sim::Duration timeout, sim::Location at) override;
  void unlock(std::uint32_t mutex, sim::Location at) override;
  void rw_lock(std::uint32_t rwlock, Hold hold, sim::Location at) override;
  void rw_unlock(std::uint32_t rwlock, Hold hold, sim::Location at) override;
  void wait(std::uint32_t condition, std::uint32_t mutex, sim::Location at) override;
  void notify(std::uint32_t condition, bool all, sim::Location at) override;

 private:
  SimBackend& b_;
};

class SimCounters final : public Counters {
 public:
  explicit SimCounters(SimBackend& b);
  void acquire(std::uint32_t semaphore, sim::Location at) override;
  void release(std::uint32_t semaphore, sim::Location at) override;
  void count_down(std::uint32_t latch, std::int64_t by, sim::Location at) override;
  void latch_wait(std::uint32_t latch, sim::Location at) override;
  void latch_arrive(std::uint32_t latch, sim::Location at) override;
  void barrier_arrive(std::uint32_t barrier, sim::Location at) override;
  void barrier_drop(std::uint32_t barrier, sim::Location at) override;

 private:
  SimSemaphore& semaphore(std::uint32_t n);

  SimBackend& b_;
  std::vector<std::string> semaphore_names_;  // sized once: objects keep references to them
};

class SimChannels final : public Channels {
 public:
  explicit SimChannels(SimBackend& b) : b_(b) {}
  void send(std::uint32_t channel, std::int64_t value, sim::Location at) override;
  std::optional<std::int64_t> recv(std::uint32_t channel, sim::Location at) override;
  void close(std::uint32_t channel, sim::Location at) override;
  std::size_t select(std::span<const Arm> arms, bool has_else, std::optional<std::int64_t>& got) override;

 private:
  SimBackend& b_;
};

class SimTasks final : public Tasks {
 public:
  explicit SimTasks(SimBackend& b) : b_(b) {}
  std::uint32_t current() const override;
  std::string name(std::uint32_t task) const override;
  void yield(sim::Location at) override;
  void sleep(sim::Duration d, sim::Location at) override;
  void compute(sim::Duration d, sim::Location at) override;
  void loop_enter(sim::Location at) override;
  void loop_leave(sim::Location at) override;
  void checkpoint() override;
  [[noreturn]] void fail(sim::FailureKind kind, std::string message, sim::Location at, std::vector<std::string> details) override;

 private:
  SimBackend& b_;
};

// It is also the StateSource of its executions (sim_state_key.cpp): what a search that
// remembers states needs to know of a scenario's state, threads of one declaration that never
// tell themselves apart taken as interchangeable.
class SimBackend final : public sim::StateSource {
 public:
  explicit SimBackend(const Program& program);
  SimBackend(const SimBackend&) = delete;
  SimBackend& operator=(const SimBackend&) = delete;

  Backend backend() { return Backend{cells_, locks_, counters_, channels_, futures_, tasks_}; }
  // One execution of `interpreter` (made on backend()): must run as the body of a simulation
  // (Execution::current() set).
  void run(Interpreter& interpreter);

  const Program& program() const { return p_; }
  SimState& state() { return state_; }
  const SimState& state() const { return state_; }
  // The execution now running (valid inside run()).
  sim::Execution& execution() const { return *e_; }
  // `id`, bound to an Execution object called `name` (no declaration) if it is not yet.
  sim::ObjectId named_object(sim::ObjectId& id, sim::ObjectKind kind, const std::string& name);
  // A finding: the execution stops.
  [[noreturn]] void fail(sim::FailureKind kind, std::string message, sim::Location at, std::vector<std::string> details = {});

  // sim::StateSource (sim_state_key.cpp).
  const std::string& uncaptured() const override { return uncaptured_; }
  void state(const sim::Execution& e, std::vector<std::uint64_t>& out) override;

 private:
  // The state of thread i (or of main, i == threads), appended to `out`.
  void task_words(const sim::Execution& e, std::size_t i, std::vector<std::uint64_t>& out) const;
  // Every primitive's state, each task in it written as `who` names it.
  void primitive_words(const sim::Execution& e, const std::function<std::uint64_t(sim::TaskId)>& who, std::vector<std::uint64_t>& out) const;

  const Program& p_;
  SimState state_;
  sim::Execution* e_ = nullptr;
  SimCells cells_;
  SimLocks locks_;
  SimCounters counters_;
  SimChannels channels_;
  SimFutures futures_;
  SimTasks tasks_;
  // For the StateSource: what it cannot capture (empty: it can) and runs of interchangeable
  // threads {first, count}, both found by the first run whose strategy keeps states; main's
  // progress through its spawns and joins, the interpreter of the current run, scratch space.
  bool scanned_ = false;
  std::string uncaptured_;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> symmetric_;
  std::uint32_t main_steps_ = 0;
  const Interpreter* interpreter_ = nullptr;
  std::vector<std::vector<std::uint64_t>> words_;
  std::vector<std::uint32_t> order_, rank_;
};

// What a search that remembers states cannot capture of `program` (empty: nothing), and the
// runs of threads that may be taken for one another (sim_state_key.cpp).
std::string uncaptured_state(const Program& program);
std::vector<std::pair<std::uint32_t, std::uint32_t>> interchangeable_threads(const Program& program);

}  // namespace lang
