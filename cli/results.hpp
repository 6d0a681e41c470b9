// What run and check report for each scenario file, as JSON (docs/json.md) and in short lines.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/cli.hpp"

namespace cli {

// A report in the one JSON schema (checker/report_json.hpp), with what the command adds: the file
// and its expect line, and for each failure the command that replays it and what it printed.
nlohmann::ordered_json result_json(const std::string& file, const lang::Program& program, const sim::Report& report,
                                   const ExploreArgs& explore, bool timing);
// What `run --shard K/N` adds to a file's result for `interleave merge` (docs/json.md): the
// member "shard" {"index", "count", "iterations", "keep_going", "units": [[unit, executions]...]}
// and, in each failure, "place" {"unit", "rank"}: where in the whole search its execution lies.
void add_shard(nlohmann::ordered_json& result, const Explored& explored, const ExploreArgs& explore);
// The line run prints for each file: "FILE: FOUND in N executions, T s [STRATEGY] — search complete (as expected)".
std::string summary_line(const std::string& file, const std::vector<std::string>& expects, const sim::Report& r, bool timing, bool color);
// The document run --json and check --json print: {"version", "results", "interrupted",
// "signal" (when one stopped the search), "not_run"}.
std::string results_document(nlohmann::ordered_json results, const std::vector<std::string>& not_run);
// A finding in a few words: "DataRace at scenarios/bank_race.scn:7".
std::string finding_line(const sim::Failure& failure);
// Under --quiet: one line per finding, with the command that replays it (the token in it).
std::string token_lines(const sim::Report& report, const std::string& file, const ExploreArgs& explore);

}  // namespace cli
