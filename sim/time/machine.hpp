// Machine: the timing model of cores, a time-slicing scheduler and a GIL, used by timeline runs.
//
// How this works: outside a timeline run every task has a core of its own and `compute(d)` just
// takes `d` of virtual time. In a timeline run (sim::timeline) a Machine is installed for the
// execution and `compute(d)` becomes what an OS does with CPU work: the task queues for a core
// (first come, first served), runs for at most one quantum of virtual time, gives the core to
// the next task in the queue and queues again, until `d` is used up (round-robin time slicing).
// With a GIL each process has one lock that CPU work must hold; a task takes it before its slice
// and hands it on after (CPython's switch interval is the quantum here), and never holds it while
// sleeping. The Machine is a primitive like a mutex (wait lists, blocking, virtual deadlines on
// strict timing): the scheduler loop knows nothing of it.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/core/execution.hpp"
#include "sim/time/time.hpp"

namespace sim {

struct MachineModel {
  std::uint32_t cores = 1;
  Duration quantum = std::chrono::milliseconds(10);  // time slice, and the GIL's switch interval
  enum class Gil : std::uint8_t { None, PerProcess } gil = Gil::None;
};

// What a task did with a stretch of virtual time.
enum class SegmentKind : std::uint8_t {
  Run,       // computing on `core`
  WaitCore,  // had CPU work, waited for a core
  WaitGil,   // had CPU work, waited for its process's GIL
  Sleep,     // waited without needing a core
};
std::string_view to_string(SegmentKind kind);

struct Segment {
  SegmentKind kind = SegmentKind::Run;
  TaskId task = no_task;
  std::uint32_t core = 0;  // Run only
  Nanos start = 0;
  Nanos end = 0;
};

class Machine {
 public:
  explicit Machine(MachineModel model);
  Machine(const Machine&) = delete;
  Machine& operator=(const Machine&) = delete;

  // The machine of the timeline run on this OS thread, or null (every task has its own core).
  static Machine* current() { return current_; }
  // Installs `m` as current for a scope (sim::timeline does this around its execution).
  struct Scope {
    explicit Scope(Machine& m) : saved_(current_) { current_ = &m; }
    ~Scope() { current_ = saved_; }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;
    Machine* saved_;
  };

  // CPU work of the running task for `d` (see the comment at the top).
  void compute(Execution& e, Duration d, Location where);
  // A sleep of the running task from `start` to now, for the timeline.
  void note_sleep(Execution& e, Nanos start);
  // Tasks run in process 0 unless put in another; each process has its own GIL.
  void set_process(TaskId t, std::uint32_t process);
  std::uint32_t process_of(TaskId t) const;
  std::uint32_t processes() const { return processes_; }

  const MachineModel& model() const { return model_; }
  const std::vector<Segment>& segments() const { return segments_; }

 private:
  struct Gil {
    TaskId holder = no_task;
    WaitList waiters;
  };
  void bind(Execution& e);
  std::uint32_t take_core(Execution& e, TaskId me, Location where);
  void give_core(Execution& e, std::uint32_t core);
  void take_gil(Execution& e, TaskId me, std::uint32_t process, Location where);
  void give_gil(Execution& e, std::uint32_t process);
  void add(SegmentKind kind, TaskId task, std::uint32_t core, Nanos start, Nanos end);
  Gil& gil(std::uint32_t process);

  static constinit inline thread_local Machine* current_ = nullptr;

  MachineModel model_;
  std::uint64_t epoch_ = ~std::uint64_t{0};  // the execution the objects below belong to
  ObjectId cores_id_ = no_object;
  ObjectId gil_id_ = no_object;
  const std::string cores_name_ = "cores";
  const std::string gil_name_ = "gil";
  std::vector<TaskId> on_core_;  // per core: the task running there, or no_task
  WaitList core_queue_;
  std::vector<std::uint32_t> granted_;  // per task: the core handed to it while it queued
  std::vector<std::uint32_t> process_;  // per task
  std::vector<Gil> gils_;               // per process
  std::uint32_t processes_ = 1;
  std::vector<Segment> segments_;
};

// Puts the running task in process `p` of the current timeline run's machine (no effect outside
// one): tasks of different processes do not share a GIL.
void in_process(std::uint32_t p);

}  // namespace sim
