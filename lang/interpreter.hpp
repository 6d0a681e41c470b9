// Interpreter: runs a checked Program's threads, statement by statement, on a Backend — the
// simulation's (lang/sim/sim_backend.hpp) or real OS threads' (lang/real/real_backend.hpp).
//
// How this works: the checker has already turned every name into a number (a frame slot, a
// variable index, a procedure index), so running is a walk over the AST with a switch per
// node and no lookups by name. Every step that touches something shared (a shared or atomic
// variable, a lock, a channel...) is a call to the backend (lang/backend.hpp says how); what the
// interpreter keeps is each task's frames and locals, the uses of each future (for the misuse
// the language defines), the work counter that stops endless loops, and the output. A runner
// starts one run with begin() on main, runs run_thread(i) as thread i (a sim task or an OS
// thread), and ends it with end() on main once every thread has finished.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "lang/backend.hpp"
#include "lang/program.hpp"

namespace lang {

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
  Interpreter(const Program& program, InterpreterOptions options, Backend backend);
  Interpreter(const Interpreter&) = delete;
  Interpreter& operator=(const Interpreter&) = delete;

  // One run: begin on main (the interpreter's state reset, invariants checked), run_thread(i)
  // as thread i, end on main once they have all finished (`finally:`). The backend's own state
  // is the runner's to reset before begin.
  void begin();
  void run_thread(std::uint32_t index);
  void end();
  std::size_t threads() const { return p_.threads.size(); }
  // For searches that remember states (sim/explore/state_strategy.hpp): from the next begin(),
  // each task keeps its position in its statements as words (its trail), so that task_state()
  // can describe where it is; off, running costs one test per block.
  void track_positions(bool on) { tracking_ = on; }
  // Task `index`'s state (a thread's index, or threads() for main), appended to `out`: where
  // it is in its statements, what it has received there so far, its locals.
  void task_state(std::size_t index, std::vector<std::uint64_t>& out) const;
  // What the last run printed, one line per print (with capture_output on).
  const std::string& output() const { return output_; }

 private:
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
    // With tracking_: the statements the task is in, outermost first, each followed by what
    // it has received since it began (values read, results of calls, a loop's count), each
    // word after a tag (Mark) saying which it is. The C++ frames of a suspended task hold
    // nothing else that decides what it will do, so this, the locals and the result are its state.
    std::vector<std::int64_t> trail;
    bool live = false;  // started in this run
  };
  enum Mark : std::int64_t { Statement = 1, Received = 2, Count = 3 };
  // Out of line, so that the untracked path stays what it was: a test, no call (callgrind
  // showed the inlined push_back keeping read() and exec() from being inlined themselves).
  void note(Task& t, std::int64_t value, Mark mark = Received) {
    if (tracking_) [[unlikely]] noted(t, value, mark);
  }
  [[gnu::noinline]] static void noted(Task& t, std::int64_t value, Mark mark);
  // The trail from `mark` on becomes statement s's mark alone.
  [[gnu::noinline]] static void enter(Task& t, std::size_t mark, const Stmt& s);

  // Tasks and state (interpreter.cpp).
  void start(Task& t, std::int64_t self, std::int64_t id, std::uint32_t frame);
  sim::Location where(Pos pos) const { return sim::Location{path_, pos.line}; }
  [[gnu::always_inline]] std::int64_t read(std::uint32_t cell, Pos pos, Task& t, Order order = Order::SeqCst) {
    const std::int64_t v = b_.cells.load(cell, where(pos), t.atomic == 0, order);
    note(t, v);
    return v;
  }
  void write(std::uint32_t cell, std::int64_t value, Pos pos, Task& t, Order order = Order::SeqCst);
  void check_invariants(Task& t, Pos pos);
  void local_work(Pos pos);
  [[noreturn]] void runtime_error(Pos pos, std::string message, std::vector<std::string> details = {});
  [[noreturn]] void fail(sim::FailureKind kind, std::string message, Pos pos, std::vector<std::string> details = {}) {
    b_.tasks.fail(kind, std::move(message), where(pos), std::move(details));
    __builtin_unreachable();  // every backend's fail() throws
  }
  std::string show(std::int64_t value, Type type) const;
  std::vector<std::string> values_in(const Expr& e, Task& t);

  // Statements (interpreter_stmt.cpp).
  Flow exec(const Block& block, Task& t);
  [[gnu::always_inline]] inline Flow exec(const Stmt& s, Task& t);
  [[gnu::noinline]] Flow exec_tracked(const Block& block, Task& t);
  // Inlined into both walks of a block (exec and exec_tracked), as they were into the one walk
  // before there were two: the untracked walk must not pay for the tracked one.
  [[gnu::always_inline]] inline Flow branch(const Stmt& s, Task& t);
  [[gnu::always_inline]] inline Flow loop(const Stmt& s, Task& t);
  [[gnu::always_inline]] inline Flow locked(const Stmt& s, Task& t);
  [[gnu::always_inline]] inline Flow atomic_block(const Stmt& s, Task& t);
  [[gnu::always_inline]] inline void assign(const Stmt& s, Task& t);
  void object(const Stmt& s, Task& t);
  void print(const Stmt& s, Task& t);
  void timed(const Stmt& s, Task& t);  // yield, sleep, compute, await sleep (interpreter.cpp)
  void assertion(const Stmt& s, Task& t);
  void no_atomic(const char* what, Pos pos, Task& t);

  // The concurrency toolbox (interpreter_toolbox.cpp).
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
    std::uint32_t taker = 0;  // and who (Tasks::current)
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
  [[gnu::always_inline]] std::uint32_t object_element(const Variable& v, const Expr* index, Pos pos, Task& t) {
    return index == nullptr ? v.first : element(v, eval<false>(*index, t), pos);
  }
  std::int64_t call(const Expr& e, Task& t, bool value_used);
  std::int64_t atomic_op(const Expr& e, Task& t);

  const Program& p_;
  const InterpreterOptions options_;
  const char* path_;
  const Backend b_;
  std::vector<FutureUse> uses_;  // per future
  std::mutex uses_mutex_;
  std::vector<Task> tasks_;      // one per thread, then main
  // Relaxed loads and stores, not an increment: threads of a real run may lose a count, which a
  // limit on endless loops can afford.
  std::atomic<std::uint64_t> local_work_{0};
  std::string output_;
  bool tracking_ = false;
};

}  // namespace lang
