// StateSource: a front end that can describe the whole state of the execution it runs, for
// searches that remember the states they have explored (sim/explore/state_strategy.hpp).
//
// A state is everything that decides what the execution can still do: each task's position
// and locals, every shared value, every primitive's state. The source writes it as words, in a
// canonical order, when a choice is to be made (every task is then at a scheduling point or
// done); two executions that write the same words at a choice point must be able to do exactly
// the same things from there. A scenario's backend is one (lang/sim/sim_state_key.cpp); a C++
// body cannot be: its state lies in memory nobody can enumerate.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sim {

class Execution;

class StateSource {
 public:
  virtual ~StateSource() = default;
  // Why this source cannot describe its states (a construct it does not capture), or empty.
  virtual const std::string& uncaptured() const = 0;
  // The state now, appended to `out`.
  virtual void state(const Execution& e, std::vector<std::uint64_t>& out) = 0;
};

}  // namespace sim
