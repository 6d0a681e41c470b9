// report_json: a report and a failure as JSON, in the one schema every JSON output uses
// (sim::to_json, `interleave run --json`); docs/json.md describes it member by member.
//
// A report is { "version", "summary", "executions", "complete", "interrupted",
// "time_limit_reached", "strategy", "seconds", "failures": [failure...] }; a failure is { "kind",
// "message", "details", "notes", "task", "where", "other", "execution", "found_by", "token",
// "nondeterministic", "replay_note", "accesses", "minimized", "steps", "dropped_steps",
// "dropped_preemptions", "tasks", "objects" }. Kinds are spelled as sim::to_string(FailureKind)
// spells them ("DataRace"). Places are {"file", "line"} or null. Optional members are left out when empty.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>

#include "sim/core/failure.hpp"

namespace checker {

// The schema's version: a document's "version" member. 2: the one schema of report and failure.
inline constexpr int json_version = 2;

struct JsonOptions {
  int indent = 2;      // -1: one line
  bool timing = true;  // include wall time (off for byte-identical output)
};

// Documents: a report or a failure with the schema's version first.
std::string report_json(const sim::Report& report, const JsonOptions& options = {});
std::string failure_json(const sim::Failure& failure, const JsonOptions& options = {});

// The same as values, without the version, for documents that hold them (the command's results).
nlohmann::ordered_json report_value(const sim::Report& report, const JsonOptions& options = {});
nlohmann::ordered_json failure_value(const sim::Failure& failure);
// Text of a value: `indent` as in JsonOptions; bytes that are not UTF-8 come out as U+FFFD.
std::string json_text(const nlohmann::ordered_json& value, int indent = -1);

}  // namespace checker
