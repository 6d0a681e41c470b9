// Virtual clocks: inside a simulation the program reads its clocks from virtual time.
#pragma once

#include <time.h>

#include "sim/core/execution.hpp"

namespace interpose {

// Fixed readings at the start of every execution, so that output is the same in every run:
// CLOCK_REALTIME starts at 2023-11-14 22:13:20 UTC, the other clocks at 1000 s.
inline constexpr sim::Nanos realtime_start = 1'700'000'000'000'000'000;
inline constexpr sim::Nanos monotonic_start = 1'000'000'000'000;

inline sim::Nanos virtual_now(sim::Execution& e, clockid_t clock) {
  return (clock == CLOCK_REALTIME || clock == CLOCK_REALTIME_COARSE ? realtime_start : monotonic_start) + e.now();
}
inline sim::Nanos nanos(const timespec& t) { return sim::Nanos{t.tv_sec} * 1'000'000'000 + t.tv_nsec; }
inline timespec to_timespec(sim::Nanos n) {
  return timespec{static_cast<time_t>(n / 1'000'000'000), static_cast<long>(n % 1'000'000'000)};
}
// How long until `abstime` on `clock` (zero when it is past).
inline sim::Nanos until(sim::Execution& e, clockid_t clock, const timespec* abstime) {
  const sim::Nanos left = nanos(*abstime) - virtual_now(e, clock);
  return left > 0 ? left : 0;
}

}  // namespace interpose
