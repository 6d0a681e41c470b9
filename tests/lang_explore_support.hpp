// Test support for the scenario-language suites that explore: every output under DFS, and
// whether a finding says something.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <interleave/interleave.hpp>
#include <string>
#include <vector>

#include "lang/interpreter.hpp"
#include "failure_support.hpp"
#include "lang_support.hpp"

namespace lang_test {

// Every different output of a complete depth-first search of `text`, which must not fail.
inline std::vector<std::string> outputs(const std::string& text) {
  lang::OutputTally tally;
  const sim::Report r = sim::explore(lang::make_body(program(text), {.capture_output = true, .tally = &tally}),
                                     {.strategy = sim::Search::Dfs});
  CHECK(r.complete);
  for (const sim::Failure& f : r.failures) CHECK_MESSAGE(false, to_string(f.kind) << ": " << f.message);
  std::vector<std::string> out;
  for (const auto& [text_out, count] : tally.sorted()) out.push_back(text_out);
  std::sort(out.begin(), out.end());
  return out;
}

// The failure of `kind` in `r` (a search of `p`): it says `says`, and its token replays it, at
// the same place with the same message and details.
inline sim::Failure replayed(const std::shared_ptr<const lang::Program>& p, const sim::Report& r, sim::FailureKind kind, const std::string& says) {
  const sim::Failure* f = r.find(kind);
  REQUIRE(f != nullptr);
  CHECK_MESSAGE(mentions(*f, says), f->message);
  const sim::Report again = sim::replay(lang::make_body(p), f->token);
  const sim::Failure* g = again.find(kind);
  REQUIRE(g != nullptr);
  CHECK(g->same_place(*f));
  CHECK(g->message == f->message);
  CHECK(g->details == f->details);
  return *f;
}

// scenarios/`name` passes a complete `search` of more than one execution.
inline void passes_exhaustive(const std::string& name, sim::Search search) {
  CAPTURE(name);
  const sim::Report r = sim::explore(lang::make_body(scenario(name)), {.strategy = search});
  CAPTURE(r.executions);
  CHECK(r.complete);
  CHECK(r.executions > 1);
  for (const sim::Failure& f : r.failures) CHECK_MESSAGE(false, to_string(f.kind) << ": " << f.message);
}

}  // namespace lang_test
