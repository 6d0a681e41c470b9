// Execution: one run of a body under one schedule; the scheduler loop primitives call into.
//
// How this works: every task is a fiber. Before each visible operation the running task
// announces it (`schedule`), the Execution asks the Strategy which runnable task goes next,
// and switches straight to that task's fiber (no scheduler fiber in between; a choice of the
// same task costs no switch). A task is Runnable exactly when its announced operation can
// proceed: primitives keep the tasks waiting on them in intrusive WaitLists and mark them
// Blocked or Runnable as their state changes, so the strategy only ever sees enabled tasks
// (the model of CHESS, Musuvathi et al., OSDI 2008). Every choice made among two or more
// tasks, and every data choice, is appended to the Schedule, which is the replay token.
//
// A fatal finding stops the execution: the tasks still suspended are resumed one by one and
// unwound with a private exception caught only at a fiber's entry, then the failing task
// unwinds too. The Execution object is reused: fibers, stacks and task slots are pooled.
#pragma once

#include <atomic>
#include <bit>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/core/body.hpp"
#include "sim/core/continuation.hpp"
#include "sim/core/crash_guard.hpp"
#include "sim/core/execution_limits.hpp"
#include "sim/core/failure.hpp"
#include "sim/core/fiber.hpp"
#include "sim/core/happens_before.hpp"
#include "sim/core/memory_model.hpp"
#include "sim/core/op.hpp"
#include "sim/core/schedule.hpp"
#include "sim/core/spin_log.hpp"
#include "sim/core/wait_list.hpp"

namespace sim {

class Observer;
class Strategy;
class StateSource;

// Virtual nanoseconds since the execution began.
using Nanos = std::int64_t;
inline constexpr Nanos no_deadline = INT64_MAX;

namespace detail {
// The private exception that unwinds a task when its execution stops; caught only at fiber entry.
struct Abort {};
}  // namespace detail

class Execution {
 public:
  explicit Execution(ExecutionLimits limits = {});
  ~Execution();
  Execution(const Execution&) = delete;
  Execution& operator=(const Execution&) = delete;

  // Run `body` as the task "main" until every task finished or a fatal finding stopped it.
  // Returns the fatal finding, if any (without token or history: the Runner adds those).
  // With `more`, each execution that ends without a fatal finding asks more->again() and, if
  // it says so, the next one starts at once (the strategy's begin_execution is the caller's
  // business, as for the first); the returned finding is the last execution's.
  std::optional<Failure> run(const std::function<void()>& body, Strategy& strategy,
                             std::span<Observer* const> observers, Continuation* more = nullptr);

  // The execution running on this OS thread, or null outside a simulation.
  static Execution* current() { return current_; }
  const ExecutionLimits& limits() const { return limits_; }

  // Stopping from outside: once `*flag` is true (the search's time budget ran out), code that
  // runs long between scheduling points (an interpreter's loop over locals) asks
  // stop_requested() now and then and calls stop_short(), which ends the execution without a
  // finding: its tasks are stopped as for a failure, run() returns nothing and stopped_short()
  // says why.
  void watch_stop(const std::atomic<bool>* flag) { stop_ = flag; }
  bool stop_requested() const { return stop_ != nullptr && stop_->load(std::memory_order_relaxed); }
  void stop_short();
  bool stopped_short() const { return stopped_short_; }
  // Ended by the strategy at a state it had explored before (Strategy::prune): tasks unwound, no
  // finding, counted as an execution like any other.
  bool pruned() const { return pruned_; }
  // The front end that can describe this execution's whole state (a scenario's backend), set
  // at the start of each execution; null when nothing can (a C++ body).
  void describe_state_with(StateSource* source) { state_source_ = source; }
  StateSource* state_source() const { return state_source_; }
  // Whether the strategy remembers states (Strategy::prunes): a front end then describes them.
  bool keeps_states() const { return prunes_; }
  // What the spin-loop rule (spin_log.hpp) holds of task `t` that decides its future - its
  // steps since its last change as places, each read with whether its object changed since,
  // and whether it is parked - appended to `out` for a description of the state; and, for the
  // execution, the rounds of resuming parked tasks with no change (a Livelock after quiet_limit).
  void spin_state(TaskId t, std::vector<std::uint64_t>& out) const;
  std::uint32_t quiet_rounds() const { return quiet_rounds_; }
  // From a strategy's prune(), which then returns true: the steps after step `steps` (events()) led
  // back to the state they started from, and a fair schedule can repeat them forever (see
  // sim/explore/cycle_watch.hpp); `stepping` took steps in them. Ends with the Livelock finding.
  void record_cycle(std::uint32_t steps, std::span<const TaskId> stepping);
  // From Continuation::again(): the strategy that chooses for the next execution, if another.
  void steer(Strategy& strategy);

  // --- what observers and reports may ask ---
  std::uint64_t epoch() const { return epoch_; }
  TaskId current_task() const { return current_task_; }
  // True while a task runs (false for the simulator's own work between two executions, on the
  // fiber of the task that just finished, and before the first task starts).
  bool in_task() const {
    return current_task_ != no_task && index(current_task_) < task_count_ &&
           states_[index(current_task_)] == TaskState::Runnable;
  }
  std::uint32_t steps() const { return steps_; }
  const Schedule& schedule_so_far() const { return schedule_; }
  // What this execution has run so far, folded to 16 bits (the replay token carries it as of
  // its first choice, see schedule.cpp): the tasks created, in order, and what the front end noted.
  std::uint16_t fingerprint() const { return fold(fingerprint_); }
  // A front end adds what it runs to the fingerprint (a scenario: its tokens), at the start of
  // each execution, so that a token recorded on one program is refused on another.
  void note_program(std::uint64_t hash) { fingerprint_ = mix(fingerprint_, hash); }
  std::size_t task_count() const { return task_count_; }
  const std::string& task_name(TaskId t) const;
  const TaskInfo& task_info(TaskId t) const;
  // The task of this execution whose stack holds `address`, and how far below the stack's top
  // (a place that is the same in every execution that runs the same code), or no_task.
  TaskId stack_owner(const void* address, std::size_t* depth) const;
  std::size_t stack_size() const { return limits_.stack_size; }
  // The operation task `t` announced last: for a runnable task, what it will do if chosen.
  const Op& pending(TaskId t) const { return pending_[index(t)]; }
  std::size_t object_count() const { return object_count_; }
  ObjectInfo object_info(ObjectId o) const;
  std::string object_name(ObjectId o) const;

  // --- what primitives call, always from the running task ---
  // `name` must live as long as the object (primitives pass their own member); it is copied
  // only when observers watch, so unobserved exploration does not pay for names.
  ObjectId add_object(ObjectKind kind, const std::string& name, Location created) { return new_object(kind, name, created, observed()); }
  // The same for a name that lasts as long as the process (the std front end's): never copied.
  ObjectId add_lasting_object(ObjectKind kind, const std::string& name, Location created) { return new_object(kind, name, created, false); }
  // Scheduling point before a visible operation. Returns when the current task is chosen to
  // run (it may be chosen at once). If the task is Blocked, it returns once woken and chosen.
  [[gnu::always_inline]] void schedule(OpKind kind, ObjectId object, Location where) {
    if (aborting_) [[unlikely]] {
      abort_point(kind);
      return;
    }
    // Field by field, not as one struct copy: a wide load of a struct the caller has just
    // written with narrow stores stalls store forwarding on every scheduling point.
    const std::uint32_t me = index(current_task_);
    Op& pending = pending_[me];
    pending.object = object;
    pending.kind = kind;
    pending.where = where;
    if (parks() && spin_role(kind) != SpinRole::Change && (kind == OpKind::Yield || spins_[me].count >= 2)) {
      if (spin_waits(me)) [[unlikely]] park(me);
    }
    if (++steps_ > limits_.max_steps) [[unlikely]] step_limit();
    // Nobody else can run: no choice, no switch (unless a deadline may move the clock).
    if (runnable_count_ != 1 || states_[me] != TaskState::Runnable || timed_ != 0) reschedule();
    // The task goes on to do what it announced: that is when its step counts for the rule. Out
    // of line: inlined, it made schedule() too big for the primitives to inline it, and a frame
    // more around each fiber switch cost bank_locked_2t a third of its speed.
    if (parks()) step_done(me, kind, object, where);
  }
  void schedule(const Op& op) { schedule(op.kind, op.object, op.where); }
  // The spin-loop rule (spin_log.hpp). A primitive that gives something up without a scheduling
  // point (an unlock) says so, for tasks parked by a yield; an access that is no step of its own
  // (inside a scenario's `atomic:` block) is noted, so the block's loop is seen whole.
  void released(ObjectId object) {
    if (parked_ != 0) [[unlikely]] wake_parked(object, false);
  }
  // The tasks (by bit, ids below 64; all bits if a higher one) that were parked when the running
  // task's step was chosen: DPOR need not reverse a race with a step that ran only because its
  // partner was parked, as running the partner there would only have gone round its loop again.
  std::uint64_t parked_before_step() const { return parked_before_; }
  void note_access(OpKind kind, ObjectId object, Location where);
  std::uint32_t choose_value(std::uint32_t bound);
  bool switch_at_plain_accesses() const { return limits_.plain_accesses == ExecutionLimits::PlainAccesses::Switch; }
  bool explore_spurious_wakeups() const {
    return limits_.spurious_wakeups == ExecutionLimits::Spurious::Explore;
  }
  bool aborting() const { return aborting_; }
  bool observed() const { return publishing_; }
  // Every task's happens-before clock, kept while an observer of the run needs it
  // (Observer::needs_happens_before).
  const HappensBefore& happens_before() const { return happens_before_; }
  // The C++ memory model for atomics (sim/core/memory_model.hpp): on when a checker of the run
  // keeps happens-before (the race detector, on by default) or a replayed token says it was;
  // null otherwise, and then atomics run sequentially consistently (the token says "c").
  MemoryModel* memory() { return weak_ ? &memory_ : nullptr; }
  const MemoryModel* memory() const { return weak_ ? &memory_ : nullptr; }
  // Whether the model is on in every execution from now on, whatever observers each has: a
  // search that runs some executions unwatched (another slice's, walked to reach its own) must
  // make the same choices in them as in the watched ones. nullopt: as the observers say.
  void set_memory_model(std::optional<bool> on) { run_model_ = on; }
  // An atomic operation with an order weaker than seq_cst ran sequentially consistently (the
  // model was off, or the atomic is wider than it models): the report says so (a gap), since
  // outcomes only the weaker order allows were not explored.
  void ran_sequentially(MemoryOrder order) {
    if (order != MemoryOrder::SeqCst) [[unlikely]] sequential_ = true;
  }
  bool ran_sequentially() const { return sequential_; }
  // What every front end's atomic operation asks first: the memory model with atomic `x` in it,
  // or null (the model is off: an operation ordered `order` runs sequentially consistently, and
  // is counted). `now()` reads the atomic's bytes in memory: its history starts there at its
  // first use in the execution and, where memory may be written behind the model's back
  // (`Outside`: plain stores, a new object at the same address), again whenever they are not the
  // model's latest value.
  enum class Writers : std::uint8_t { Model, Outside };
  template <class Now>
  MemoryModel* atomic_model(ObjectId x, MemoryOrder order, Writers writers, const Now& now) {
    if (!weak_) {
      ran_sequentially(order);
      return nullptr;
    }
    if (!memory_.knows(x)) {
      memory_.start(x, now());
    } else if (writers == Writers::Outside) {
      if (const std::uint64_t bytes = now(); memory_.latest(x) != bytes) memory_.start(x, bytes);
    }
    return &memory_;
  }
  // The one object every seq_cst fence of this execution is a step on.
  ObjectId fence_object();
  // Observers see events numbered 1, 2, ... in the order they happened.
  void publish(Event event);
  // Whether an event of `kind` on `object` by the running task would change no observer
  // (Observer::unchanged_by): the caller may then skip building it, and numbers it with
  // skip_event(), so that the events after it keep the numbers they have when it is published.
  bool needless(OpKind kind, ObjectId object) const;
  void skip_event() {
    ++events_;
    preempting_ = false;
  }
  // The steps numbered so far (a History's step numbers): the last step taken.
  std::uint32_t events() const { return events_; }
  // Moves whenever an observer may have changed (an event delivered, a scheduling point, a data
  // choice): while it stays, needless() gives the same answer for the same access.
  std::uint64_t watch_stamp() const { return std::uint64_t{delivered_} << 32 | steps_; }
  // Inline so that an unobserved step costs one test in the primitive; the event is built out of line.
  [[gnu::always_inline]] void publish(OpKind kind, ObjectId object, Location where, ValueRef value = {},
                                      TaskId peer = no_task, bool flag = false) {
    // Steps taken while an execution is being unwound are not part of its story.
    if (publishing_ && !aborting_) [[unlikely]] {
      if (!drop_ignored(kind, object)) publish_step(kind, object, where, value, peer, flag);
    }
  }

  // Task states and wait lists.
  // A task in a WaitList is interested in an object; `why` is kept for deadlock stories.
  void enlist(WaitList& list, TaskId t, const Waiting& why) {
    Waiting& w = waiting_[index(t)];  // field by field, see schedule()
    w.kind = why.kind;
    w.object = why.object;
    w.holder = why.holder;
    w.where = why.where;
    links_.push_back(list, t);
  }
  void delist(WaitList& list, TaskId t) { links_.remove(list, t); }
  TaskId next_in(TaskId t) const { return links_.next(t); }
  void block(TaskId t) {
    if (states_[index(t)] != TaskState::Runnable) return;
    // Under loose timing a task with a deadline can time out at any moment: it stays runnable.
    if (timed_ > 0 && deadline_[index(t)] != no_deadline && !strict_timing()) return;
    set_state(t, TaskState::Blocked);
  }
  void unblock(TaskId t) {
    if (states_[index(t)] == TaskState::Blocked) set_state(t, TaskState::Runnable);
  }
  TaskState state(TaskId t) const { return states_[index(t)]; }
  // Block every task in the list, or make them all runnable.
  void block_all(const WaitList& list) {
    for (TaskId at = list.head; at != no_task; at = links_.next(at)) block(at);
  }
  void unblock_all(const WaitList& list) {
    for (TaskId at = list.head; at != no_task; at = links_.next(at)) unblock(at);
  }
  // Who holds a lock-like object, for deadlock stories.
  void set_holder(ObjectId o, TaskId t) { holders_[index(o)] = t; }
  std::uint32_t length(const WaitList& list) const;
  TaskId nth(const WaitList& list, std::uint32_t n) const;
  // Which task last made `t` runnable through a notify (for Wake events); no_task if none.
  TaskId woken_by(TaskId t) const;
  void set_woken_by(TaskId t, TaskId by);

  // Virtual time. A task waiting with a deadline (a sleep, or a wait with a timeout) is woken
  // by whatever it waits for or, at the latest, by the deadline (see ExecutionLimits::Timing).
  Nanos now() const { return now_; }
  void set_deadline(TaskId t, Nanos at);
  void clear_deadline(TaskId t);
  // True once: the task was woken by its deadline rather than by what it waited for.
  bool take_timed_out(TaskId t);
  // For a description of the state: task `t`'s deadline as the time left until it (no step can
  // read the clock itself) and whether a deadline woke it; whether any task ran before its time.
  void time_state(TaskId t, std::vector<std::uint64_t>& out) const;
  bool timing_violated() const { return timing_violated_; }
  bool strict_timing() const { return limits_.timing == ExecutionLimits::Timing::Strict; }

  // Threads.
  TaskId spawn(std::string_view name, Location where);
  // A thread that names itself (pthread_setname_np): its steps and stories use the new name.
  void rename_task(TaskId t, std::string_view name);
  // A handle (sim::Thread) that must be joined or detached before the execution ends; one still
  // open at the end was leaked (a Thread made with new and never deleted, or kept in a static).
  void open_handle(TaskId t);
  void close_handle(TaskId t);
  Body& body_of(TaskId t);
  void join(TaskId t, Location where);
  bool finished(TaskId t) const { return state(t) == TaskState::Finished; }

  // Fatal findings. `fail` stops the current task by unwinding it; `fail_later` (for
  // destructors, which must not throw) stops every other task now and lets the current
  // one go on until its next visible operation or its end.
  // `fail` returns only when called while the task is already unwinding (from a destructor).
  void fail(FailureKind kind, std::string message, Location where,
            std::vector<std::string> details = {});
  void fail_later(FailureKind kind, std::string message, Location where);
  // Unwind every task younger than the current one without ending the execution: a Thread
  // destroyed by an exception still propagating stops its task before the frames it uses go.
  void stop_younger();

  // How a stopping execution gets rid of its unfinished tasks. Unwind (the default): each is
  // resumed where it waits and unwound with the private exception, so its destructors run.
  // Abandon: each is dropped where it stands, its frames never run again and its stack is freed
  // (what owned memory they held is leaked); the task whose step stopped the execution leaves
  // its fiber for good instead of throwing. For code that must not throw at its scheduling
  // points: the std front end's hooks are nothrow to the compiler that calls them. Every
  // execution starts with Unwind.
  enum class StopBy : std::uint8_t { Unwind, Abandon };
  void set_stop_by(StopBy by) { stop_by_ = by; }
  // --- what the crash guard calls, in its signal handler (crash_guard.hpp) ---
  struct Fault {
    int signal = 0;
    int code = 0;                   // siginfo's si_code
    const void* address = nullptr;  // siginfo's si_addr
    const void* stack_pointer = nullptr;
  };
  // If the running task raised `fault`, ends that task with it as the execution's finding and
  // never returns; returns if the fault is not a task's (the handler passes it on).
  void take_fault(const Fault& fault);
  // The last-resort report of a rescue that could not finish; async-signal-safe, ends the process.
  void report_unrescued() const;  // ends the process (not [[noreturn]]: see end_process)
  // Says why the running task is about to abort() (a failed assert, std::terminate), for its
  // Crash finding. False when an abort would not be a finding (crashes take their default course,
  // or no task is running): then the caller reports as it would without interleave.
  bool explain_abort(std::string why);

 private:
  ObjectId new_object(ObjectKind kind, const std::string& name, Location created, bool copy);
  struct Task;

  void set_state(TaskId t, TaskState s) {
    const std::uint32_t i = index(t);
    const bool was = states_[i] == TaskState::Runnable;
    const bool now = s == TaskState::Runnable;
    states_[i] = s;
    if (was != now) {
      runnable_bits_[i >> 6] ^= std::uint64_t{1} << (i & 63);
      runnable_count_ = now ? runnable_count_ + 1 : runnable_count_ - 1;
      ++runnable_changes_;
    }
  }
  // Pick the next task and switch to it, inlined with schedule() into each primitive so the
  // fiber switch happens in the primitive's own frame: a resumed task mispredicts each return
  // it makes before its next call (see fiber.hpp), and one frame fewer around the switch made
  // bank_locked_2t about 15% faster, more than the instructions it saves.
  [[gnu::always_inline]] void reschedule() {
    const TaskId next = pick();
    if (next == no_task) [[unlikely]] {
      record_deadlock();
      stop_above(*fibers_[index(current_task_)]);
    } else if (next != current_task_) {
      preempting_ = states_[index(current_task_)] == TaskState::Runnable;
      Fiber& from = *fibers_[index(current_task_)];
      current_task_ = next;
      Fiber::switch_to(from, *fibers_[index(next)]);
    }
    if (aborting_) [[unlikely]] abort_point(OpKind::Yield);
  }
  // The next task to run: the forced move (one runnable task, no deadlines) inline, the
  // strategy's choice out of line.
  TaskId pick() {
    if (runnable_count_ == 1 && timed_ == 0) return only_runnable();
    return choose_task();
  }
  TaskId only_runnable() const {
    std::size_t w = 0;
    while (runnable_bits_[w] == 0) ++w;
    return TaskId{static_cast<std::uint32_t>(w * 64 + std::countr_zero(runnable_bits_[w]))};
  }
  [[gnu::noinline]] void step_done(std::uint32_t me, OpKind kind, ObjectId object, Location where);
  bool parks() const { return limits_.spin_loops == ExecutionLimits::SpinLoops::Park; }
  // What task `me` just did, for the spin-loop rule; a change by `me` to `object`.
  void settle_spin(std::uint32_t me, OpKind kind, ObjectId object, Location where);
  void changed_by(std::uint32_t me, ObjectId object);
  // Whether task `me`, about to do its pending operation, is waiting in a loop (or yields).
  [[gnu::noinline]] bool spin_waits(std::uint32_t me);
  void park(std::uint32_t me);
  void unpark(std::uint32_t i);
  [[gnu::noinline]] void wake_parked(ObjectId object, bool data);
  // Nobody can run but parked tasks: resume them all (true), or end with a Livelock (false).
  [[gnu::noinline]] bool resume_parked();
  void record_livelock();
  TaskId choose_task();
  [[gnu::noinline]] TaskId choose_timed();
  TaskId choose_among(std::uint32_t n);
  [[gnu::noinline]] void publish_step(OpKind kind, ObjectId object, Location where, ValueRef value, TaskId peer,
                                      bool flag);
  // An event nobody uses keeps its number (steps are numbered alike either way) and goes no
  // further. Happens-before uses atomics' events only for atomics outside the memory model: one
  // inside it that no observer uses is dropped too (building and handing it on was about a tenth
  // of what a seq_cst read-modify-write cost). Inline: a call to drop it cost as much again.
  bool drop_ignored(OpKind kind, ObjectId object) {
    const std::uint64_t bit = std::uint64_t{1} << static_cast<unsigned>(kind);
    if ((ignored_ & bit) == 0 && ((unobserved_ & bit) == 0 || !happens_before_.modelled(object))) return false;
    skip_event();
    return true;
  }
  void deliver(Event& event);  // numbers the event and hands it to every observer
  void listen(std::span<Observer* const> observers, Strategy& strategy);
  bool advance_clock();
  void note_timing(TaskId chosen);
  void abort_point(OpKind kind);
  void step_limit();
  void record(FailureKind kind, std::string message, Location where, std::vector<std::string> details);
  // Stopping an execution unwinds its tasks youngest first, so a task never outlives the
  // frames of the task that spawned it (its lambdas usually capture them by reference).
  // stop_above: unwind every task younger than the current one, then come back to it.
  // stop_next: the current task is done; run the youngest unfinished task, or go home.
  void stop_above(Fiber& mine);
  void stop_next(Fiber& mine);
  void record_deadlock();
  // Abandon mode: drop task i (not the running one) as it stands, with a fresh fiber for its slot.
  void abandon(std::uint32_t i);
  // Abandon mode: the running task leaves its fiber for good; every unfinished task is dropped.
  [[noreturn]] void abandon_current();
  std::string describe_wait(TaskId t) const;
  void task_main(Task& task);
  void finish_current();
  // Called in the catch block: describes the exception in flight into the task's slot.
  [[gnu::cold, gnu::noinline]] void note_thrown(Task& t);
  // Called after it: the task's uncaught exception is the execution's finding.
  [[gnu::cold, gnu::noinline]] void uncaught(Task& t);
  [[gnu::cold, gnu::noinline]] void task_limit(Location where);
  [[gnu::cold, gnu::noinline]] void joins_itself(Location where);
  [[gnu::cold, gnu::noinline]] void leaked_handles();
  TaskId new_task(std::string_view name, TaskId parent, Location where);
  [[gnu::noinline, gnu::cold]] void add_task_slot();
  [[gnu::noinline, gnu::cold]] void rename(Task& t, std::string_view name, std::uint32_t n);
  void begin();
  void conclude();
  // Crashes (execution_crash.cpp): the rescue fiber's entry, and giving crashed slots fresh fibers.
  static void rescue_entry(void* self);
  [[gnu::cold, gnu::noinline]] void nested_simulation();
  [[noreturn]] void rescue();
  [[gnu::cold, gnu::noinline]] void reset_crashed();
  std::string describe_crash() const;
  bool start_next(Fiber& mine);
  Task& task(TaskId t);
  const Task& task(TaskId t) const;

  static constinit inline thread_local Execution* current_ = nullptr;
  static constexpr std::uint64_t fingerprint_basis = 0xcbf29ce484222325ull;
  static constexpr std::uint64_t mix(std::uint64_t h, std::uint64_t v) { return (h ^ v) * 0x100000001b3ull; }
  static constexpr std::uint64_t hash_text(std::string_view text) {
    std::uint64_t h = fingerprint_basis;
    for (char c : text) h = mix(h, static_cast<unsigned char>(c));
    return h;
  }
  static constexpr std::uint16_t fold(std::uint64_t h) {
    h ^= h >> 32;
    return static_cast<std::uint16_t>(h ^ (h >> 16));
  }

  ExecutionLimits limits_;
  std::unique_ptr<Fiber> home_;
  std::unique_ptr<Fiber> rescue_;  // where a crashed task's fault handler jumps to end it
  struct Crash {
    Fault fault;
    TaskId task = no_task;
    bool overflow = false;
  } crash_;
  bool rescuing_ = false;      // from the fault until the finding is recorded
  std::string abort_reason_;   // explain_abort()'s text, for the SIGABRT that follows
  bool crashed_ = false;       // some slot's fiber was abandoned by a crash and must be reset
  std::vector<std::unique_ptr<Task>> tasks_;  // slots reused across executions
  // Hot per-task fields kept flat, so a scheduling point scans contiguous memory.
  std::vector<TaskState> states_;
  WaitLinks links_;
  std::vector<Waiting> waiting_;
  std::vector<TaskId> holders_;  // per object
  std::vector<Nanos> deadline_;   // per task; no_deadline unless sleeping or waiting with a timeout
  std::vector<std::uint8_t> timed_out_;
  std::uint32_t timed_ = 0;        // tasks with a deadline
  Nanos now_ = 0;
  bool timing_violated_ = false;   // a task ran before its sleep or timeout was due
  std::vector<Fiber*> fibers_;  // the fiber running each task
  std::size_t task_count_ = 0;
  struct ObjectSlot {
    ObjectKind kind = ObjectKind::Shared;
    Location created;
    const std::string* live = nullptr;
    std::string copy;
    bool copied = false;
  };
  std::vector<ObjectSlot> objects_;           // slots reused across executions
  std::size_t object_count_ = 0;
  // Runnable tasks as a bit set kept up to date by set_state, so a scheduling point with one
  // runnable task costs a count check, and listing them costs one step per runnable task.
  std::vector<std::uint64_t> runnable_bits_;
  std::uint32_t runnable_count_ = 0;
  std::uint32_t runnable_changes_ = 0;  // bumped by set_state; runnable_ is listed as of listed_at_
  std::uint32_t listed_at_ = ~0u;
  std::vector<TaskId> runnable_;
  std::size_t unfinished_ = 0;
  std::uint32_t open_handles_ = 0;

  const std::function<void()>* root_ = nullptr;
  Continuation* more_ = nullptr;
  bool concluded_ = false;
  Strategy* strategy_ = nullptr;
  std::span<Observer* const> observers_;
  HappensBefore happens_before_;
  MemoryModel memory_;
  ObjectId fences_ = no_object;
  bool tracks_hb_ = false;
  bool weak_ = false;        // atomics follow the memory model
  std::optional<bool> run_model_;  // set_memory_model
  bool sequential_ = false;  // ran_sequentially
  bool publishing_ = false;  // events are built: an observer or happens-before wants them
  std::uint64_t ignored_ = 0;     // the kinds of event nobody uses: no observer, nor happens-before
  std::uint64_t unobserved_ = 0;  // the kinds no observer uses (Observer::ignored_kinds)
  Schedule schedule_;
  std::uint64_t fingerprint_ = fingerprint_basis;
  std::vector<Op> pending_;  // the operation each task announced last
  // The spin-loop rule: per task, its steps since its last change; per object, its changes.
  std::vector<SpinLog> spins_;
  std::vector<std::uint32_t> versions_;
  std::uint32_t parked_ = 0;        // tasks parked by the rule
  std::uint32_t quiet_rounds_ = 0;  // times parked tasks were resumed since the last change
  std::uint64_t parked_bits_ = 0;   // parked tasks by bit (see parked_before_step)
  std::uint64_t parked_before_ = 0;
  Fiber* return_to_ = nullptr;  // where a task unwound by stop_above() goes when it ends
  std::uint64_t epoch_ = 0;
  std::uint32_t steps_ = 0;
  std::uint32_t events_ = 0;
  std::uint32_t delivered_ = 0;  // events delivered and data choices made (watch_stamp)
  TaskId current_task_ = no_task;
  bool aborting_ = false;
  StopBy stop_by_ = StopBy::Unwind;
  std::vector<std::unique_ptr<Fiber>> abandoned_;  // left by abandon_current; freed back home
  bool stopped_short_ = false;
  bool pruned_ = false;
  bool prunes_ = false;  // the strategy's prunes(), read once per run
  StateSource* state_source_ = nullptr;
  bool preempting_ = false;  // the next event follows a preemption
  const std::atomic<bool>* stop_ = nullptr;
  std::optional<Failure> failure_;
};

}  // namespace sim
