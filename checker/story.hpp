// Story: the text a person reads for a report — what failed, the numbered history, the task columns.
#pragma once

#include <string>
#include <string_view>

#include "sim/core/failure.hpp"

namespace checker {

struct TextOptions {
  bool timing = true;          // include wall time (off for byte-identical output)
  std::string replay_hint{};   // how to replay, with {token} replaced, e.g. a command line
  // The per-task table has a column per task and a line per step: above this many tasks it is
  // left out (a thousand tasks made it hundreds of megabytes); 0 prints it whatever the count.
  std::size_t table_tasks = 32;
};

// One failure: headline, where, how it was found, token, numbered history, per-task columns.
std::string story(const sim::Failure& failure, const TextOptions& options = {});
// Fills each race access's value from the failure's history, by step number (the detector
// only knows the value of the later access; the story knows both).
void fill_access_values(sim::Failure& failure);
// The recorded step numbered `step`, or null if the history does not keep it.
const sim::HistoryStep* step_at(const sim::History& history, sim::StepIndex step);
// What one step did, in words: "read balance → 100", "lock m", "spawn alice".
std::string action(const sim::History& history, const sim::HistoryStep& step);

// One line for CI logs.
std::string summary(const sim::Report& report, const TextOptions& options = {});
// Why an exhaustive search is not complete, a line each ("  not complete: the budget of ...").
// Empty when it is complete, and for a sampling strategy, which never claims to be (the JSON
// report's `incomplete` lists its gaps all the same).
std::string gap_lines(const sim::Report& report, std::string_view indent = "  ");
// Summary, gap lines, and the story of every failure.
std::string render(const sim::Report& report, const TextOptions& options = {});

}  // namespace checker
