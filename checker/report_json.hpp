// report_json: a report as JSON, for tools (CI annotations, editors, dashboards).
//
// The shape, one object per report:
//   { "summary", "executions", "seconds", "complete", "interrupted", "strategy",
//     "failures": [ { "kind", "message", "details"[], "notes"[], "task", "where", "other",
//                     "execution", "found_by", "token", "nondeterministic", "replay_note",
//                     "accesses"[] {task, kind, where, step, value},
//                     "minimized" {original {steps, preemptions, token}, minimal {steps, preemptions}},
//                     "steps"[] {step, task, op, object, value, where, peer, flag, preempted, text},
//                     "dropped_steps", "dropped_preemptions", "tasks"[] {id, name, parent, spawned_at},
//                     "objects"[] {id, kind, name, created} } ] }
// Places are {"file", "line"} or null. Optional members are left out when empty.
#pragma once

#include <string>

#include "sim/core/failure.hpp"

namespace checker {

struct JsonOptions {
  int indent = 2;      // -1: one line
  bool timing = true;  // include wall time (off for byte-identical output)
};

std::string report_json(const sim::Report& report, const JsonOptions& options = {});
std::string failure_json(const sim::Failure& failure, const JsonOptions& options = {});

}  // namespace checker
