// Observer: watches the event stream of an execution; never schedules.
#pragma once

#include <vector>

#include "sim/op.hpp"

namespace sim {

class Execution;
struct Failure;

class Observer {
 public:
  virtual ~Observer() = default;
  virtual void on_begin(const Execution&) {}
  virtual void on_event(const Execution&, const Event&) {}
  // `failure` is null when the execution ended cleanly.
  virtual void on_end(const Execution&, const Failure*) {}
  // Findings that do not stop an execution (races, predicted deadlocks), handed to the Runner
  // after each execution; each carries the schedule that shows it.
  virtual void take_findings(std::vector<Failure>&) {}
};

}  // namespace sim
