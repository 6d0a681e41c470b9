// Time: sleeping and computing in virtual time inside a simulation, in real time outside one.
#pragma once

#include <chrono>

#include "sim/core/ids.hpp"

namespace sim {

using Duration = std::chrono::nanoseconds;

// Waits for `d` without using a core (I/O, a timer). In a simulation the clock is virtual:
// an hour-long sleep costs nothing; see ExecutionLimits::Timing for what the strategy may do.
void sleep_for(Duration d, Location where = Location::here());
// Busy CPU work for `d`. In a simulation it takes `d` of virtual time: on a core of its own, or in
// a timeline run on the cores of the machine model, time-sliced (sim/time/machine.hpp). Outside, it spins for `d`.
void compute(Duration d, Location where = Location::here());
// Time since the execution began (virtual), or since the epoch of steady_clock outside one.
Duration now();

}  // namespace sim
