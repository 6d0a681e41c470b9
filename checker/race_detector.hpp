// RaceDetector: an observer that finds data races on Shared<T> by happens-before (FastTrack).
//
// How this works: every task carries a vector clock (see vector_clock.hpp), and so does every
// synchronising object. Synchronisation moves clocks along the edges a program can rely on:
// spawn (parent → child), join (child → joiner), mutex unlock → the next lock of that mutex,
// notify → the wake-up it causes, sequentially consistent atomics (a store or read-modify-write
// → every later operation that reads the value it left; a read-modify-write continues the
// chain, as a C++ release sequence does), and the rest of the toolbox as sim/core/op_traits.hpp
// tells (semaphores, latches, barriers, channels, futures, an RwLock's readers). For each Shared variable the detector
// keeps the epoch of its last write and of its last read (or, once two reads are concurrent,
// one read epoch per task), as FastTrack does (Flanagan & Freund, "FastTrack: efficient and
// precise dynamic race detection", PLDI 2009). An access races with a recorded one when at
// least one writes, they come from different tasks, and the recorded epoch is not covered by
// the accessing task's clock: no chain of the edges above orders them. That holds whatever the
// values came out to be, so a race shows in the first execution that has both accesses.
//
// Races do not stop an execution. Each pair of places is reported once per detector (one per
// run): at the end of the execution that first showed it, with that execution's schedule.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "checker/checker.hpp"
#include "checker/vector_clock.hpp"
#include "sim/core/failure.hpp"
#include "sim/core/op_traits.hpp"

namespace checker {

class RaceDetector final : public Checker {
 public:
  RaceDetector() = default;

  void on_begin(const sim::Execution& exec) override;
  void on_event(const sim::Execution& exec, const sim::Event& event) override;
  std::uint64_t ignored_kinds() const override { return sim::kinds_where(sim::orders_nothing); }
  // A read or write in the same epoch as the task's last one of its kind on that variable:
  // read() and write() return at once for it.
  bool unchanged_by(const sim::Execution& exec, sim::TaskId task, sim::ObjectId object, sim::OpKind kind) const override;
  void on_end(const sim::Execution& exec, const sim::Failure* failure) override;
  void take_findings(std::vector<sim::Failure>& out) override {
    if (!findings_.empty()) hand_over(out);  // called after every execution: keep it cheap
  }

  // The clock of task `t` in the current execution (for tests).
  const VectorClock& clock_of(sim::TaskId t) const { return tasks_[sim::index(t)].clock; }

 private:
  static constexpr std::uint32_t none = ~0u;

  void hand_over(std::vector<sim::Failure>& out);

  // One recorded access: what checking needs (its epoch) and what a report needs, no strings.
  struct Access {
    Epoch at;                              // at.clock == 0: no such access yet
    std::uint32_t step = 0;
    std::uint32_t held = none;             // the innermost mutex its task held, if any
    sim::OpKind kind = sim::OpKind::Read;
    sim::Location where;
  };
  struct Variable {
    Access write;                          // the last write
    Access read;                           // the last read, while reads are totally ordered
    std::uint32_t readers = none;          // index into read_sets_ once two reads are concurrent
  };
  struct Object {
    Variable var;                          // for Shared variables
    std::uint32_t clock = none;            // index into clocks_, for synchronising objects
    std::uint32_t readers_clock = none;    // an RwLock's readers' releases
    std::uint32_t releaser = none;         // the task whose clock `clock` is a copy of, if one is
  };
  struct Task {
    VectorClock clock;
    VectorClock wake;                      // the notifier's clock, until the wake-up takes it
    std::vector<std::uint32_t> held;       // mutexes held, in the order taken
    std::uint32_t waiting_on = none;       // the condvar it waits on, between Wait and Wake
  };
  struct Race {
    std::uint32_t object = 0;
    Access first;
    Access second;
    std::string second_value;
  };

  Task& task(sim::TaskId t) { return tasks_[sim::index(t)]; }
  Object& object(sim::ObjectId o) {
    const std::uint32_t i = sim::index(o);
    return i < objects_used_ ? objects_[i] : new_object(i);
  }
  [[gnu::noinline]] Object& new_object(std::uint32_t i);
  [[gnu::noinline]] void grow_objects(std::size_t n);  // rare: keeps new_object's frame small
  VectorClock& clock_of(sim::ObjectId o) { return clock_of(object(o)); }
  VectorClock& clock_of(Object& ob) { return ob.clock != none ? clocks_[ob.clock] : new_clock(ob); }
  [[gnu::noinline]] VectorClock& new_clock(Object& ob);
  VectorClock& readers_clock_of(sim::ObjectId o);
  void start_task(sim::TaskId t);
  void record(Access& into, const sim::Event& e, const Task& t) const;
  // The recorded access is another task's and not ordered before task `ti`'s present point.
  static bool unordered(const Access& earlier, std::uint32_t ti, const Task& t) {
    return earlier.at.clock != 0 && earlier.at.task != ti && !t.clock.covers(earlier.at);
  }

  // One handler per role of event (on_event's switch).
  void read(const sim::Event& e);
  void write(const sim::Event& e);
  void load(const sim::Event& e);
  void store(const sim::Event& e);
  void rmw(const sim::Event& e);
  void lock(const sim::Event& e);
  void try_lock(const sim::Event& e);
  void unlock(const sim::Event& e);
  void wait(const sim::Event& e);
  void wake(const sim::Event& e);
  void notify(const sim::Event& e);
  void notify_all(const sim::Event& e);
  void spawn(const sim::Event& e);
  void join(const sim::Event& e);
  void toolbox(const sim::Event& e);
  [[gnu::noinline]] void race(const Access& earlier, const sim::Event& e, const Task& t);  // the rare path
  // The rare paths of read and write (see read()).
  [[gnu::noinline]] void read_slow(Variable& v, const sim::Event& e, const Task& t);
  [[gnu::noinline]] void read_shared(Variable& v, const sim::Event& e, const Task& t);
  [[gnu::noinline]] void write_slow(Variable& v, const sim::Event& e, const Task& t);
  [[gnu::noinline]] void first_access(const sim::Event& e);
  void release(Task& t, std::uint32_t task_index, sim::ObjectId m);
  // Synchronising with an object's clock: take it in, or make it a copy of the task's.
  void acquire(Task& t, std::uint32_t ti, const Object& ob);
  void publish(Task& t, std::uint32_t ti, Object& ob);

  sim::Failure describe(const sim::Execution& exec, const Race& race) const;
  bool known(const sim::Location& a, const sim::Location& b) const;

  std::vector<Task> tasks_;                // indexed by task id; slots reused across executions
  std::size_t tasks_used_ = 0;
  std::vector<Object> objects_;            // indexed by object id
  std::size_t objects_used_ = 0;
  std::vector<VectorClock> clocks_;        // synchronising objects' clocks, handed out in order
  std::size_t clocks_used_ = 0;
  std::vector<std::vector<Access>> read_sets_;  // per variable in shared-read mode, indexed by task
  std::size_t read_sets_used_ = 0;
  std::vector<Race> races_;                // found in this execution, described at its end
  struct Pair {
    sim::Location a, b;
  };
  std::vector<Pair> reported_;             // pairs of places already reported in this run
  std::vector<sim::Failure> findings_;
};

}  // namespace checker
