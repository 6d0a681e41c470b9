// DporTrace: one execution as DPOR sees it - steps, their happens-before clocks, their races.
//
// How this works (the model of Abdulla, Aronis, Jonsson & Sagonas, "Optimal Dynamic Partial
// Order Reduction", POPL 2014, and its long version "Source Sets", JACM 2017). A step is what
// one task does from being resumed at a scheduling point up to its next one: the operation it
// announced, plus those that are not scheduling points (spawn, unlock, joining a finished
// task, finishing). Steps are rebuilt from the event stream: a new one starts when the task
// changes or when the Execution's count of announced operations has moved on. Two steps
// depend on each other when they touch one object and not both only read it: reads of a
// Shared commute; writes and atomic updates conflict; so does every operation on one mutex
// (a failed try_lock only reads it) and every wait and notify on one condvar; a wait also
// releases its mutex. A step happens before another when a chain of program order,
// dependence, spawn, join and notify-to-wake links leads from it to the other: vector clocks
// over tasks record this. A race is a pair of dependent steps of different tasks, the later
// not already ordered after the earlier by what its task did before, that could run the other
// way round: a lock races with the previous acquisition of its mutex (not with the unlock in
// between, which the lock could never overtake); a read with the last write; a write with the
// reads since the last write, or else with the last write; a try_lock with the last change
// of its mutex. Reversing a race means running, before the earlier step, the steps between
// the two that do not happen after it, then the later step (the paper's notdep(e, E).e').
//
// Steps are compared across executions (sleep sets, wake-up trees), where task and object ids
// are not stable: ids follow the order of spawns and first uses, which the schedule changes.
// So each step also carries a signature in stable names: a task is named by its creation
// path (the n-th child of the m-th child of main), an object by its kind, creation site and
// name. Objects that share all three (an array built in a loop) share a name: they are then
// taken to conflict, which costs reduction, never soundness.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <boost/container/small_vector.hpp>

#include "sim/core/op.hpp"

namespace sim {

class Execution;
class MemoryModel;

inline constexpr std::uint32_t no_key = ~0u;
// Virtual time as an object: sleeps and timeouts move the clock, so they are ordered.
inline constexpr ObjectId clock_object{0xFFFFFFFEu};
inline constexpr std::uint32_t clock_key = ~0u - 1;

// One access in stable names.
struct KeyUse {
  std::uint32_t key = no_key;
  bool write = false;
  bool operator==(const KeyUse&) const = default;
};

// A step in stable names: enough to recognise it in another execution and to test it for
// dependence with another step. Sleep sets and wake-up trees copy these all the time, and a
// step rarely touches more than two objects or makes more than two data choices: inline
// storage for those keeps the copies off the heap.
struct StepSig {
  std::uint32_t task = 0;     // creation path, interned
  OpKind kind = OpKind::Start;  // its first operation (Start: none)
  std::uint32_t key = no_key;   // that operation's object
  boost::container::small_vector<KeyUse, 2> uses;
  boost::container::small_vector<std::uint32_t, 2> values;  // data choices made within it (a notify's pick, a spurious wake-up)

  bool same_step(const StepSig& o) const { return task == o.task && kind == o.kind && key == o.key; }
  bool operator==(const StepSig&) const = default;
};
bool dependent(const StepSig& a, const StepSig& b);

// Stable names for tasks and objects, kept across executions.
class Identities {
 public:
  void begin(const Execution& exec);
  std::uint32_t task(TaskId t) const { return tasks_[index(t)]; }
  std::uint32_t object(ObjectId o);
  void spawned(TaskId parent, TaskId child);
  // From now on, name as `other` does (the one table, locked): steps of executions run on other
  // threads are compared with this one's (see DporStrategy's speculation).
  void share(Identities& other) {
    other.table_->locked = true;
    table_ = other.table_;
  }

 private:
  struct Table {
    std::mutex mutex;
    bool locked = false;  // shared between threads
    std::map<std::pair<std::uint32_t, std::uint32_t>, std::uint32_t> paths;  // (parent, ordinal) -> task
    std::map<std::tuple<int, const char*, std::uint32_t, std::string>, std::uint32_t> keys;
  };

  // The stable name of `key` in `table` (a new one, numbered from `first`, if it has none).
  template <class Map>
  std::uint32_t name(Map& table, Map& mine, const typename Map::key_type& key, std::uint32_t first);

  const Execution* exec_ = nullptr;
  std::shared_ptr<Table> table_ = std::make_shared<Table>();
  // Shared: the entries this object has used, read without the lock.
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::uint32_t> my_paths_;
  std::map<std::tuple<int, const char*, std::uint32_t, std::string>, std::uint32_t> my_keys_;
  std::vector<std::uint32_t> tasks_;     // this execution: TaskId -> stable task
  std::vector<std::uint32_t> children_;  // this execution: children spawned so far, by TaskId
  std::vector<std::uint32_t> objects_;   // this execution: ObjectId -> stable key
};

// Other: an operation of a primitive the race rules here do not model (semaphores, latches,
// channels, the shared side of a rwlock, ...). It conflicts with every operation on its object;
// from then on, instead of reversing races on that object, each earlier step on it not already
// ordered before the later one marks its node to branch on every task (as classic DPOR does
// when it cannot pick a task: Flanagan & Godefroid, POPL 2005).
enum class Use : std::uint8_t { Read, Write, Acquire, TryAcquire, TryFail, Release, Other };

// The use an operation makes of its own object, as a step records it, or none: a spawn, a join,
// a yield, a finish, a sleep (it touches the clock, not its object) and a wake (its order comes
// from the notify). `flag` as Event::flag. POS (pos_strategy.hpp) reads this for the operations
// tasks are about to do, so that what it takes for a race is DPOR's dependence.
std::optional<Use> own_use(OpKind kind, bool flag);
// Whether a use changes its object: reads and failed try_locks commute with each other.
constexpr bool changes(Use use) { return use != Use::Read && use != Use::TryFail; }

// Whether `pending`, the operation a task announced last, is the start of a task that has not
// run yet: starting commutes with everything, so one order of starts stands for them all.
constexpr bool unstarted(const Op& pending) {
  return pending.kind == OpKind::Yield && pending.object == no_object && pending.where.line == 0;
}

// A race between two steps (numbers in the trace); `coarse`: on an object of the Other kind,
// so the earlier step's node must branch on every task rather than reverse it.
struct Race {
  std::uint32_t earlier = 0;
  std::uint32_t later = 0;
  bool coarse = false;
  // The later step is a free atomic load (MemoryModel::last_read_free) and the earlier one the
  // store it raced with: running the load first would only let it read stores it may read
  // already, so the reversal is needed only if the execution wore a store out (DporStrategy).
  bool free = false;
};

struct TraceStep {
  TaskId task = no_task;
  std::uint32_t nth = 0;    // 1-based among its task's steps
  std::int32_t node = -1;   // the choice node that resumed it; -1 when it was the only way on
  StepSig sig;
  std::vector<std::pair<ObjectId, Use>> touches;
  std::int32_t prev = -1;             // its task's previous step, or the step that spawned it
  bool probe = false;                 // never ran: see DporTrace::unfinished
  ObjectId free_load = no_object;     // the object of its last atomic load, if that load was free
  // A free load depends on the step that made the store it read (-1: the value before the
  // execution), not on the last write before it: it could have run before the later writes
  // and read the same store.
  std::int32_t read_from = -1;
  std::uint64_t parked = 0;           // Execution::parked_before_step when it ran
  std::vector<std::uint32_t> edges;   // join and wake predecessors (step numbers)
  std::vector<std::uint32_t> clock;   // by TaskId: how many of each task's steps happen before (or are) it

  // Back to a fresh step, keeping the vectors' storage: every field above, as initialised
  // there (assigning a fresh TraceStep costs as much as the allocations this saves).
  void reset() {
    task = no_task;
    nth = 0;
    node = -1;
    sig.task = 0;
    sig.kind = OpKind::Start;
    sig.key = no_key;
    sig.uses.clear();
    sig.values.clear();
    touches.clear();
    prev = -1;
    probe = false;
    free_load = no_object;
    read_from = -1;
    parked = 0;
    edges.clear();
    clock.clear();
  }

  // Its one access is a free load of `o` (a step with more accesses is taken as it always was).
  bool free_read_of(ObjectId o) const { return o != no_object && free_load == o && touches.size() == 1; }
  bool after(const TraceStep& s) const {
    return index(s.task) < clock.size() && clock[index(s.task)] >= s.nth;
  }
};

class DporTrace {
 public:
  void begin(const Execution& exec);
  // The choice at `node` resumed `task`; its next events (if any before it announces again)
  // form the step that node chose.
  void chose(std::int32_t node, TaskId task, std::uint32_t stamp);
  void event(const Event& e, const Execution& exec);
  // `task` could run while waiting on a condvar: its wait has a timeout (loose timing), so
  // its wake-up races with the notifies of that condvar (it may time out before them).
  void timed_wait(TaskId task) {
    TaskState& ts = this->task(task);
    ts.timed = ts.timed || ts.waiting;
  }
  // Whether an access `use` of `o` by `task`, at the Execution's announce count `stamp`, would
  // only repeat one the step being recorded has made already (event() would add nothing new).
  bool repeats(TaskId task, std::uint32_t stamp, ObjectId o, Use use) const {
    if (task != last_task_ || stamp != last_stamp_ || count_ == settled_) return false;
    const auto& touches = steps_[count_ - 1].touches;
    return std::find(touches.begin(), touches.end(), std::pair{o, use}) != touches.end();
  }
  // A data choice made by `task` before its next step's first event belongs to that step.
  void value_chosen(TaskId task, std::uint32_t value);
  // How many data choices `task` has made towards its next step.
  std::size_t values_pending(TaskId task) { return this->task(task).values.size(); }

  // Completes the steps recorded so far: their clocks, and the races they close.
  void settle(std::vector<Race>& races);
  std::size_t settled() const { return settled_; }
  std::size_t size() const { return count_; }
  const TraceStep& step(std::uint32_t i) const { return steps_[i]; }
  // At the end of an execution: each task that did not finish (deadlocked, or stopped by a
  // failure) gets its announced operation as a last step that never ran, so the races it
  // would have closed are reversed too - else a deadlock would hide the orders around it.
  void unfinished(const Execution& exec, std::vector<Race>& races);
  // The steps that reversing race (e, later) runs before `later`: those between them that do
  // not happen after e, in order, then `later`.
  std::vector<std::uint32_t> reversal(std::uint32_t e, std::uint32_t later) const;
  Identities& names() { return names_; }
  const Identities& names() const { return names_; }

 private:
  struct ObjectState {
    std::int32_t last_write = -1;
    std::vector<std::uint32_t> reads;  // read-like accesses since the last write
    std::int32_t last_acquire = -1;
    bool coarse = false;                 // touched by an Other operation
    std::vector<std::uint32_t> history;  // every step that touched it (used once it is coarse)

    void reset() {
      last_write = last_acquire = -1;
      reads.clear();
      coarse = false;
      history.clear();
    }
  };
  // Per-task bookkeeping of this execution.
  struct TaskState {
    std::int32_t last = -1;        // its last step
    std::int32_t spawned_in = -1;  // the step that spawned it
    std::int32_t woken_in = -1;    // the step whose notify woke it
    std::uint32_t steps = 0;
    std::vector<std::uint32_t> values;  // data choices for its next step
    std::vector<ObjectId> held;         // mutexes it holds
    bool timed = false;                 // waiting with a timeout, see timed_wait
    bool finished = false;
    bool waiting = false;               // waiting on a condvar, not notified yet

    void reset() {
      last = spawned_in = woken_in = -1;
      steps = 0;
      values.clear();
      held.clear();
      timed = finished = waiting = false;
    }
  };
  TaskState& task(TaskId t);
  TraceStep& add_step();
  void open_step(TaskId t, std::uint32_t stamp);
  ObjectState& state(ObjectId o);
  void touch(ObjectId o, Use use);
  void touch_op(const Event& e, TaskId t, std::int32_t here);
  void model_step(const Event& e, const MemoryModel& m);
  // A condition variable's operations (touch_op's, one each).
  void wait(const Event& e, TaskId t);
  void wake(const Event& e, TaskId t, TraceStep& s);
  void notify(const Event& e, std::int32_t here);
  void notify_all(const Event& e, std::int32_t here);
  // Probe: a step that never ran; its accesses do not enter the objects' histories.
  enum class Settle : std::uint8_t { Record, Probe };
  void settle_one(std::uint32_t s, std::vector<Race>& races, Settle mode);
  void settle_use(std::uint32_t s, ObjectId o, Use use, std::vector<Race>& races, Settle mode);
  bool seen_before(const TraceStep& c) const;  // `c` is in before_, what the step's task had seen

  Identities names_;
  // Steps of earlier executions stay, past count_, so that their buffers are reused.
  std::vector<TraceStep> steps_;
  std::vector<std::int32_t> store_steps_;  // by MemoryModel store id: the step that made it, or -1
  bool free_loads_ = false;                // a step of this execution has a free load
  const MemoryModel* memory_ = nullptr;    // the execution's, when on
  std::size_t count_ = 0;
  std::vector<std::uint32_t> before_, deps_, candidates_;  // settle_one's scratch
  std::size_t settled_ = 0;
  std::int32_t chose_node_ = -1;
  TaskId chose_task_ = no_task;
  std::uint32_t chose_stamp_ = 0;
  TaskId last_task_ = no_task;  // the task and announce count of the last event
  std::uint32_t last_stamp_ = 0;
  std::vector<TaskState> tasks_;
  std::map<std::uint32_t, std::vector<TaskId>> waiting_;  // condvar -> tasks waiting on it
  std::vector<ObjectState> objects_;                      // by ObjectId
  ObjectState clock_;                                     // clock_object
  std::int64_t now_ = 0;        // the virtual time of the last event
  bool barrier_ = false;        // strict timing moved the clock: the next step follows every other
};

}  // namespace sim
