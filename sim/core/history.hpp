// History: the recorded steps of one execution, and the observer that records them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/core/observer.hpp"
#include "sim/core/op.hpp"

namespace sim {

struct TaskInfo {
  std::string name;
  TaskId parent = no_task;
  Location spawned_at;
};

struct ObjectInfo {
  ObjectKind kind = ObjectKind::Shared;
  std::string name;
  Location created;
};

struct HistoryStep {
  StepIndex step{0};
  TaskId task = no_task;
  OpKind kind = OpKind::Yield;
  ObjectId object = no_object;
  Location where;
  std::string value;       // text of the value read or written, empty if none
  TaskId peer = no_task;   // see Event::peer
  bool flag = false;       // see Event::flag
  bool preempted = false;  // the previous task could have gone on but was switched away from
};

struct History {
  std::vector<HistoryStep> steps;
  std::vector<TaskInfo> tasks;
  std::vector<ObjectInfo> objects;
  std::uint64_t dropped = 0;  // steps left out before the first kept one (long runs keep the tail)
  std::uint64_t dropped_preemptions = 0;  // how many of those were preemptions

  const std::string& task_name(TaskId t) const;
  std::string object_name(ObjectId o) const;  // the given name, or "<kind>#<id>"
  // Leaves out all but the last `n` steps, counting those left out.
  void keep_last(std::size_t n);
};

// For a run that hit its step limit: if the tail of the history repeats a cycle of steps,
// lines saying so (the cycle's length and its steps); empty if no cycle shows.
std::vector<std::string> describe_repetition(const History& history);

// Records every event of an execution into a History. Keeps the last `max_steps` steps.
class HistoryRecorder final : public Observer {
 public:
  explicit HistoryRecorder(std::size_t max_steps = 100000) : max_steps_(max_steps) {}
  void on_begin(const Execution& exec) override;
  void on_event(const Execution& exec, const Event& event) override;
  void on_end(const Execution& exec, const Failure* failure) override;
  History take() { return std::move(history_); }

 private:
  void copy_names(const Execution& exec);
  std::size_t max_steps_;
  History history_;
};

}  // namespace sim
