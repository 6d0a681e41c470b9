// Explain: what in a failure's history explains it, as data for the pictures that draw it
// (the Chrome trace and the HTML page): the two accesses of a race, the locks handed from one
// task to another, a deadlock's wait-for graph and its cycle.
#pragma once

#include <optional>
#include <vector>

#include "sim/core/failure.hpp"

namespace checker {

// A lock released by one task and the next acquisition of it, by another: the order the lock
// imposed between them.
struct Handoff {
  sim::ObjectId object = sim::no_object;
  sim::StepIndex released{0};  // the Unlock step
  sim::StepIndex acquired{0};  // the Lock step that took it next
  sim::TaskId from = sim::no_task;
  sim::TaskId to = sim::no_task;
};
std::vector<Handoff> lock_handoffs(const sim::History& history);

// The wait-for graph of a deadlock: each blocked task waits on an object, and (for a lock or
// a join) for the task that holds it. `cycle` is the tasks of one cycle in order, each waiting
// for the next and the last for the first; empty when the tasks wait on nobody in particular
// (a notify that never comes), which is a deadlock without a cycle.
struct WaitGraph {
  std::vector<sim::Blocked> edges;
  std::vector<sim::TaskId> cycle;
  bool in_cycle(sim::TaskId task) const;
};
WaitGraph wait_graph(const sim::Failure& failure);

// The steps a report marks: a race's two accesses (earlier first), if the history keeps them.
struct RacePair {
  sim::StepIndex earlier{0};
  sim::StepIndex later{0};
  sim::ObjectId object = sim::no_object;
};
std::optional<RacePair> race_pair(const sim::Failure& failure);

}  // namespace checker
