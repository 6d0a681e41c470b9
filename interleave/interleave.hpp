// interleave: the test-side API — explore a body's interleavings, replay a token, print a report.
//
//   #include <interleave/interleave.hpp>
//   sim::Report r = sim::check_random(body, {.iterations = 1000, .seed = 1});
//   if (const sim::Failure* f = r.find(sim::FailureKind::AssertionFailed))
//     sim::replay(body, f->token);   // the same failure again, with its story
//
// Code under test only needs <sim/sim.hpp> (the primitives).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "checker/checks.hpp"
#include "checker/html_report.hpp"
#include "checker/minimizer.hpp"
#include "checker/report_json.hpp"
#include "checker/story.hpp"
#include "checker/trace_json.hpp"
#include "interleave/explore.hpp"
#include "sim/core/failure.hpp"
#include "sim/real/real_runner.hpp"
#include "sim/sim.hpp"
#include "sim/time/timeline.hpp"

namespace sim {

struct CheckOptions {
  std::uint64_t iterations = 1000;
  std::uint64_t seed = 1;
  double time_limit = 0;  // seconds; 0 = none
  OnFailure on_failure = OnFailure::Stop;
  ExecutionLimits limits{};
  // Checkers watching every execution: data races and predicted deadlocks (non-fatal
  // findings; exploration goes on). Both on by default: `.checks = {.races = false}`.
  checker::Checks checks{};
  // Each failure's schedule is shrunk to the fewest preemptions found within a small budget;
  // off with `.minimize = {.enabled = false}`.
  checker::MinimizeOptions minimize{};
  const std::atomic<bool>* cancel = nullptr;  // set from elsewhere (a Ctrl-C flag) to stop early
};

// Explore `body` with the seeded random strategy.
Report check_random(const std::function<void()>& body, CheckOptions options = {});

// Re-run `body` under the schedule a token encodes, watched by the checkers; the report holds
// the failure it shows (with its history) and any race or predicted deadlock, or a
// ReplayDivergence finding. A malformed token throws std::invalid_argument with a message
// saying what is wrong with it.
Report replay(const std::function<void()>& body, std::string_view token, ExecutionLimits limits = {},
              checker::Checks checks = {});

// The report as text: summary line, then each failure's story.
std::string to_text(const Report& report, const checker::TextOptions& options = {});
// The report as JSON for tools: kind, message, token, steps[], tasks[], objects[] per failure.
std::string to_json(const Report& report, const checker::JsonOptions& options = {});
// One failure's schedule as Chrome trace-event JSON: open it in https://ui.perfetto.dev or
// chrome://tracing (a track per task, a slice per step, arrows for what explains the failure).
std::string to_trace(const Failure& failure, const checker::TraceOptions& options = {});
// The report as one self-contained HTML page; `replay_hint` says how to replay, with {token}
// standing for each failure's token (empty: the token alone).
std::string to_html(const Report& report, const std::string& replay_hint = {}, const checker::HtmlOptions& options = {});

}  // namespace sim
