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
// The document run --json and check --json print: {"version", "results", "interrupted",
// "signal" (when one stopped the search), "not_run"}.
std::string results_document(nlohmann::ordered_json results, const std::vector<std::string>& not_run);
// A finding in a few words: "DataRace at scenarios/bank_race.scn:7".
std::string finding_line(const sim::Failure& failure);
// Under --quiet: one line per finding, with the command that replays it (the token in it).
std::string token_lines(const sim::Report& report, const std::string& file, const ExploreArgs& explore);

}  // namespace cli
