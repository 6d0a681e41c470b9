// Test support for the sampling suites: a failure's token, replayed, shows the same failure.
#pragma once

#include <doctest/doctest.h>

#include <functional>

#include "interleave/interleave.hpp"

inline void check_replays(const std::function<void()>& body, const sim::Failure& f) {
  CHECK_FALSE(f.nondeterministic);
  sim::Report again = sim::replay(body, f.token);
  const sim::Failure* g = again.find(f.kind);
  REQUIRE(g != nullptr);
  CHECK(g->same_place(f));
  CHECK(g->message == f.message);
  CHECK(again.find(sim::FailureKind::ReplayDivergence) == nullptr);
}
