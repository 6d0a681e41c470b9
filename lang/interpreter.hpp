// Interpreter: runs a checked Program as one execution on the sim runtime — main spawns a task
// per thread, joins them, then runs `finally:`.
//
// How this works: the checker has already turned every name into a number (a frame slot, a
// variable index, a procedure index), so running is a walk over the AST with a switch per
// node and no lookups by name. Each shared or atomic element is a "cell": an int64 in one flat
// array, bound lazily to an Execution object the first time an execution touches it, and every
// read or write of a cell is one scheduling point announced on that object (as sim::Shared
// does), so the same strategies, checkers and replay tokens apply to scenarios and C++ bodies.
// Mutexes, conditions, channels, rwlocks, latches and barriers are the sim primitives (sim::Mutex,
// sim::Channel<int64_t>, ...) made once and rebound each execution. All state lives in the interpreter and is reset, not reallocated, per execution.
// What a step does goes through a Backend (lang/backend.hpp): the simulation's by default, or
// real OS threads' (lang/real_runner.hpp), which starts the threads itself with begin/run_thread/end.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "lang/backend.hpp"
#include "lang/program.hpp"
#include "sim/sync/barrier.hpp"
#include "sim/sync/channel.hpp"
#include "sim/sync/condvar.hpp"
#include "sim/core/execution.hpp"
#include "sim/sync/latch.hpp"
#include "sim/sync/mutex.hpp"
#include "sim/sync/mutex_variants.hpp"
#include "sim/sync/rwlock.hpp"


namespace lang {

class SimFutures;

// Counts the different outputs of the executions that end normally (interleave run --outputs).
// Shared by the interpreters of parallel jobs, so it locks.
class OutputTally {
 public:
  void add(const std::string& output);
  // Each different output with how many executions printed it, most frequent first (ties by text).
  std::vector<std::pair<std::string, std::uint64_t>> sorted() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::uint64_t> counts_;
};

struct InterpreterOptions {
  std::size_t stack_size = 256 * 1024;  // the fiber stack each task runs on (sim::ExecutionLimits)
  bool capture_output = false;          // keep what the execution printed, for output()
  OutputTally* tally = nullptr;         // if set (with capture_output), gets each finished execution's output
  // Loop iterations and calls one execution may make between them: beyond, it is stopped as an
  // endless loop (loops over locals take no steps, so the step limit alone would never end them).
  std::uint64_t max_local_work = 10'000'000;
  std::uint32_t max_call_depth = 200;  // nested procedure calls in one task (--max-call-depth)
};

class Interpreter {
 public:
  // Without a backend, steps go to the simulation (run() inside an Execution).
  explicit Interpreter(const Program& program, InterpreterOptions options = {}, Backend* backend = nullptr);
  Interpreter(const Interpreter&) = delete;
  Interpreter& operator=(const Interpreter&) = delete;
  ~Interpreter();

  // One execution: must run as the body of a simulation (Execution::current() set).
  void run();
  // The pieces of one run for a runner that starts the threads itself (real threads): begin on
  // the main thread (state reset, invariants checked), run_thread(i) on thread i's own OS thread,
  // end on the main thread once they have all finished (`finally:`).
  void begin();
  void run_thread(std::uint32_t index);
  void end();
  std::size_t threads() const { return p_.threads.size(); }
  // A cell's value now, taking no step (safe while other threads write it).
  std::int64_t peek(std::uint32_t cell) const { return std::atomic_ref<const std::int64_t>(values_[cell]).load(std::memory_order_relaxed); }
  std::int64_t* cells() { return values_.data(); }
  // What the last execution printed, one line per print (with capture_output on).
  const std::string& output() const { return output_; }


 private:
  friend class SimBackend;
  enum class Flow : std::uint8_t { Next, Break, Continue, Return };
  struct Task {
    std::vector<std::int64_t> locals;  // frames, one above the other; grown, never shrunk
    std::uint32_t base = 0;            // the running frame's first slot
    std::uint32_t frame = 0;           // the running frame's size
    std::uint32_t depth = 0;           // nested procedure calls
    std::uint32_t atomic = 0;          // nested `atomic:` blocks
    std::int64_t result = 0;           // the value of the last `return`
    std::int64_t self = -1;            // thread index; -1 for main
    std::int64_t id = 0;
    const char* stack_top = nullptr;   // where the task's C++ frames began, to bound recursion
    std::string text;                  // the line being printed
  };

  // Tasks and state (interpreter.cpp).
  void reset();
  void start(Task& t, std::int64_t self, std::int64_t id, std::uint32_t frame);
  sim::Location where(Pos pos) const { return sim::Location{path_, pos.line}; }
  std::int64_t read(std::uint32_t cell, Pos pos, Task& t);
  void write(std::uint32_t cell, std::int64_t value, Pos pos, Task& t);
  void check_invariants(Task& t, Pos pos);
  void local_work(Pos pos);
  [[noreturn]] void runtime_error(Pos pos, std::string message, std::vector<std::string> details = {});
  [[noreturn]] void fail(sim::FailureKind kind, std::string message, Pos pos, std::vector<std::string> details = {}) {
    b_->fail(kind, std::move(message), where(pos), std::move(details));
    __builtin_unreachable();  // every backend's fail() throws
  }
  std::string show(std::int64_t value, Type type) const;
  std::vector<std::string> values_in(const Expr& e, Task& t);

  // Statements (interpreter_stmt.cpp).
  Flow exec(const Block& block, Task& t);
  Flow exec(const Stmt& s, Task& t);
  Flow loop(const Stmt& s, Task& t);
  Flow locked(const Stmt& s, Task& t);
  Flow atomic_block(const Stmt& s, Task& t);
  void assign(const Stmt& s, Task& t);
  void object(const Stmt& s, Task& t);
  void print(const Stmt& s, Task& t);
  void timed(const Stmt& s, Task& t);  // sleep, compute, await sleep (interpreter.cpp)
  void assertion(const Stmt& s, Task& t);
  void no_atomic(const char* what, Pos pos, Task& t);

  // The concurrency toolbox (interpreter_toolbox.cpp).
  void make_objects(const Variable& v);
  Flow toolbox(const Stmt& s, Task& t);
  Flow select(const Stmt& s, Task& t);
  Flow channel_loop(const Stmt& s, Task& t);
  Flow held(const Stmt& s, Task& t);
  Flow lock_for(const Stmt& s, Task& t);
  void count(const Stmt& s, Task& t);
  std::uint32_t channel(const Stmt& s, Task& t);  // the channel a statement names
  void received(const Stmt& s, const std::optional<std::int64_t>& value, Task& t);
  void store(const Expr& target, std::int64_t value, Pos pos, Task& t);

  // Futures and thread pools (interpreter_futures.cpp).
  struct FutureUse {
    std::uint32_t owner = 0;  // the line of the `submit` whose job sets it (0: none)
    std::uint32_t taken = 0;  // the line of the `get` that took its value (0: none)
    std::uint32_t taker = 0;  // and who (Backend::current_task)
  };
  // Future n's uses before this call; `field`, if given and still 0, becomes `mark`.
  FutureUse use_future(std::uint32_t n, std::uint32_t FutureUse::*field, std::uint32_t mark);
  Flow futures(const Stmt& s, Task& t);
  void get(const Stmt& s, const Variable& v, std::uint32_t n, Task& t);
  void submit(const Stmt& s, std::uint32_t pool, Task& t);
  void map(const Stmt& s, std::uint32_t pool, Task& t);
  Flow completed_loop(const Stmt& s, Task& t);
  std::int64_t run_job(std::uint32_t proc, const std::vector<std::int64_t>& args);
  [[noreturn]] void misuse(const std::string& message, Pos pos);

  // Expressions (interpreter_expr.cpp).
  template <bool Peek>
  std::int64_t eval(const Expr& e, Task& t);
  std::int64_t binary(const Expr& e, std::int64_t a, std::int64_t b);
  // The cell (or object number) of element `index` of `v`; out of range is a runtime error.
  std::uint32_t element(const Variable& v, std::int64_t index, Pos pos);
  std::uint32_t object_element(const Variable& v, const Expr* index, Pos pos, Task& t) {
    return index == nullptr ? v.first : element(v, eval<false>(*index, t), pos);
  }
  std::int64_t call(const Expr& e, Task& t, bool value_used);
  std::int64_t atomic_op(const Expr& e, Task& t);

  const Program& p_;
  const InterpreterOptions options_;
  const char* path_;
  std::unique_ptr<Backend> own_backend_;     // the simulation's, unless one was given
  Backend* b_;
  sim::Execution* e_ = nullptr;
  // Per cell. Read and written through atomic_ref: on real threads every access is atomic.
  std::vector<std::int64_t> values_;
  std::vector<std::unique_ptr<sim::Mutex>> mutexes_;  // per mutex; null for a recursive or timed one
  std::vector<std::unique_ptr<sim::RecursiveMutex>> recursive_;  // per mutex; null unless recursive
  std::vector<std::unique_ptr<sim::TimedMutex>> timed_;          // per mutex; null unless timed
  std::vector<std::unique_ptr<sim::Channel<std::int64_t>>> channels_;
  std::vector<std::unique_ptr<sim::RwLock>> rwlocks_;
  std::vector<std::unique_ptr<sim::Latch>> latches_;
  std::vector<std::unique_ptr<sim::Barrier<>>> barriers_;
  std::vector<std::unique_ptr<sim::CondVar>> conditions_;
  // The event loop async tasks share: a task holds it from one `await` to the next, so only
  // `await` gives way to another async task (and a `compute` between blocks them all).
  sim::Mutex loop_{"event loop"};
  SimFutures* sim_futures_ = nullptr;        // the simulated execution's promises and pools, while it runs
  std::vector<FutureUse> uses_;              // per future
  std::mutex uses_mutex_;
  std::vector<Task> tasks_;                  // one per thread, then main
  std::vector<sim::TaskId> task_ids_;
  // Relaxed loads and stores, not an increment: threads of a real run may lose a count, which a
  // limit on endless loops can afford.
  std::atomic<std::uint64_t> local_work_{0};
  std::string output_;
};

}  // namespace lang
