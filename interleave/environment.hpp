// environment: the switches a test program reads from its environment, so a failing test can be
// replayed, or searched harder, without recompiling (in the spirit of loom's LOOM_* variables).
//
//   INTERLEAVE_REPLAY=v2....     every check replays this token instead of searching: one execution
//   INTERLEAVE_SEED=N            the seed of every check's search (0 to 2^64-1)
//   INTERLEAVE_ITERATIONS=N      executions at most, for every check's search (1 to 2^40)
//
// The test-framework helpers (interleave/doctest.hpp, gtest.hpp, catch2.hpp) and
// sim::testing::check read them; check_random, explore and the interleave command do not (the
// command has flags). A variable set to the empty string counts as not set.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace sim {

struct Environment {
  std::optional<std::string> replay_token;  // checked: it decodes
  std::optional<std::uint64_t> seed;
  std::optional<std::uint64_t> iterations;
};

// The switches as set. A value that does not parse throws std::invalid_argument naming the
// variable, the value, and what was expected.
Environment read_environment();

}  // namespace sim
