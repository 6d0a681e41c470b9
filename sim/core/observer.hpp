// Observer: watches the event stream of an execution; never schedules.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/core/op.hpp"

namespace sim {

class Execution;
struct Failure;

class Observer {
 public:
  virtual ~Observer() = default;
  virtual void on_begin(const Execution&) {}
  virtual void on_event(const Execution&, const Event&) {}
  // The kinds of event this observer does nothing with, as bits (1 << kind). An event that every
  // observer of a run ignores is numbered but neither built nor delivered.
  virtual std::uint64_t ignored_kinds() const { return 0; }
  // Whether it reads the execution's happens-before clocks (Execution::happens_before), which
  // the execution then keeps up to date before each event reaches the observers.
  virtual bool needs_happens_before() const { return false; }
  // Whether an event of `kind` on `object` by `task`, were it published now, would leave this
  // observer exactly as it is: nothing kept, nothing reported (a race detector's access in the
  // same epoch as the task's last one of that kind). A front end may skip building an event
  // every observer says this of (Execution::needless): a program's plain accesses repeat in
  // every loop. By default only for the kinds the observer ignores.
  virtual bool unchanged_by(const Execution&, TaskId, ObjectId, OpKind kind) const {
    return ((ignored_kinds() >> static_cast<unsigned>(kind)) & 1) != 0;
  }
  // `failure` is null when the execution ended cleanly.
  virtual void on_end(const Execution&, const Failure*) {}
  // Findings that do not stop an execution (races, predicted deadlocks), handed to the Runner
  // after each execution; each carries the schedule that shows it.
  virtual void take_findings(std::vector<Failure>&) {}
};

}  // namespace sim
