// check: the assertion a body makes; a failure is a finding in a simulation.
#pragma once

#include <string_view>

#include "sim/core/ids.hpp"

namespace sim {

namespace detail {
void check_failed(std::string_view message, Location where);
}

// In a simulation a false condition ends the execution with an AssertionFailed finding.
// Under run_real it counts the run as failed; anywhere else it prints and aborts, like assert.
inline void check(bool condition, std::string_view message = "check failed", Location where = Location::here()) {
  if (!condition) [[unlikely]] detail::check_failed(message, where);
}

}  // namespace sim
