// Gap: one reason why a search did not cover every schedule (Report::incomplete).
//
// A search is complete when it ran every schedule of its space once (up to equivalence, for
// DPOR) and could trust each run. Anything else leaves a gap, and a report names each one, so
// that "no failure" from a search that stopped early never reads like a proof.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sim {

enum class GapKind : std::uint8_t {
  Sampled,      // the strategy samples schedules (random, PCT, POS, the portfolio): it never covers them all
  Stopped,      // the search stopped at its first fatal failure
  Budget,       // the execution budget ran out before the search's end
  TimeLimit,    // the time limit ran out
  Interrupted,  // stopped from outside (Ctrl-C, SIGTERM, a cancel flag)
  StepBound,    // executions cut at the step limit: what lies past it was not explored
  Unmodelled,   // the program did something the model cannot see
  Divergence,   // a replayed prefix of choices did not lead where it had before: the body is nondeterministic
  Mispredicted, // a race DPOR reversed did not run as its model predicted (a task it meant to run was blocked or took another step)
  Unordered,    // DPOR met races its model could not order, and did not reverse them
  Skipped,      // DPOR's random order left subtrees unfinished to branch elsewhere
  StateStore,   // a stateful search filled its store of states (--max-states) and stopped
  Bitstate,     // a stateful search kept states as bits: one may have been taken for another
  UnfairCycles, // a stateful search closed cycles a fair schedule leaves; one made of several was not looked for
  Sequential,   // atomics given weaker memory orders ran sequentially consistently (the memory model was off)
};

struct Gap {
  GapKind kind = GapKind::Sampled;
  std::uint64_t count = 0;  // executions (budget, time limit, interrupted), divergences, races, cut executions
  std::string detail;       // the first occurrence, where there is one to tell (a divergence's choice)
};

std::string_view to_string(GapKind kind);  // "budget", "time_limit", ...: the JSON names
// True for the gaps a merge of shards adds up: those a strategy reports of itself
// (Strategy::gaps(): sampling, divergences, mispredicted and unordered races, ...) and the
// executions that ran atomics sequentially consistently; the others come from how the search
// ended and what it found (stop_gaps), so a merge finds those again rather than adding them up.
bool strategy_gap(GapKind kind);
std::optional<GapKind> gap_kind(std::string_view name);
// The gap in a sentence, for reports; no C++ or command-line words (both kinds of user read it).
std::string to_text(const Gap& gap);
// Adds `gap` to `gaps`, kept in GapKind order: a kind already there adds its count and keeps
// its first detail (the jobs and shards of one search each report theirs).
void add_gap(std::vector<Gap>& gaps, Gap gap);
// A sampling search's budget is how many samples it takes, not a gap beside the sampling: removes
// Budget from `gaps` that hold Sampled.
void drop_sampled_budget(std::vector<Gap>& gaps);

// The first divergence of a strategy that replays prefixes, and how many there were.
struct DivergenceLog {
  // A body that changes under the same choices can keep an exhaustive search from ever ending
  // (each divergence starts the tree afresh below it): past this many, the search gives up.
  static constexpr std::uint64_t give_up = 1000;
  std::uint64_t count = 0;
  std::string first;  // where and how the first one differed
  void note(std::string what) {
    if (count++ == 0) first = std::move(what);
  }
  bool gave_up() const { return count >= give_up; }
};

}  // namespace sim
