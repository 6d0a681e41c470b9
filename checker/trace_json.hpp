// trace_json: a failure's schedule as Chrome trace-event JSON, for the Perfetto UI and chrome://tracing.
//
// How it reads: one process per failure, one track (thread) per task in task order. Step n of
// the history is a slice at n × 10 µs, 8 µs long, on its task's track, named by its operation
// ("Write balance"); its arguments hold the step number, the place ("file:line"), the object,
// the value read or written and the story's text for it. A preemption is an instant event on
// the track of the task that takes over. Flow arrows join what explains the failure: a race's
// earlier access to its later one, each lock released by one task to its next acquisition by
// another, and for a deadlock each blocked task's final wait (a slice after the last step) to
// the task it waits for, which closes the wait-for cycle. The failure itself is an instant
// event on the failing task's track after the last step. The time axis counts steps, not time.
#pragma once

#include <string>

#include "sim/core/failure.hpp"

namespace checker {

struct TraceOptions {
  std::string replay_hint{};  // how to replay, with {token} replaced; kept in the trace's metadata
};

std::string trace_json(const sim::Failure& failure, const TraceOptions& options = {});

}  // namespace checker
