// The watched gate: the execution that the std front end's hooks may act for on this thread.
#pragma once

#include <utility>

namespace sim {

class Execution;

namespace detail {
// Set by Execution::run. The simulator's own work inside a task's step (observers, the
// strategy, naming, recording a finding) runs library code such as std::string's, and the
// linker keeps one copy of each inline function for the whole program: the copy compiled with
// the program's instrumentation (the std front end, docs/std.md) may be the one that runs.
// Meanwhile an Unwatched clears the gate, so those hooks see no simulation.
inline constinit thread_local Execution* watched = nullptr;

// Clears the gate for its scope. Never held across a fiber switch.
struct Unwatched {
  Execution* saved = std::exchange(watched, nullptr);
  ~Unwatched() { watched = saved; }
  Unwatched() = default;
  Unwatched(const Unwatched&) = delete;
  Unwatched& operator=(const Unwatched&) = delete;
};
}  // namespace detail

// As Execution::current(), but null while the simulator does its own work inside a task's step:
// for the std front end's hooks, which must take only the program's accesses for the program's.
inline Execution* watched_execution() { return detail::watched; }

}  // namespace sim
