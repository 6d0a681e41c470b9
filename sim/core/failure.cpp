// Failure kinds, and finding failures in a Report.
#include "sim/core/failure.hpp"

namespace sim {

std::string_view to_string(FailureKind kind) {
  switch (kind) {
    case FailureKind::AssertionFailed: return "AssertionFailed";
    case FailureKind::Deadlock: return "Deadlock";
    case FailureKind::DataRace: return "DataRace";
    case FailureKind::PotentialDeadlock: return "PotentialDeadlock";
    case FailureKind::UncaughtException: return "UncaughtException";
    case FailureKind::StepLimit: return "StepLimit";
    case FailureKind::Livelock: return "Livelock";
    case FailureKind::TaskLimit: return "TaskLimit";
    case FailureKind::LockMisuse: return "LockMisuse";
    case FailureKind::ThreadMisuse: return "ThreadMisuse";
    case FailureKind::ReplayDivergence: return "ReplayDivergence";
    case FailureKind::SyncMisuse: return "SyncMisuse";
    case FailureKind::ChannelMisuse: return "ChannelMisuse";
    case FailureKind::FutureMisuse: return "FutureMisuse";
    case FailureKind::Unmodelled: return "Unmodelled";
    case FailureKind::Crash: return "Crash";
    case FailureKind::StackOverflow: return "StackOverflow";
    case FailureKind::ApiMisuse: return "ApiMisuse";
    case FailureKind::CheckerFinding: return "CheckerFinding";
  }
  return "?";
}

bool is_fatal(FailureKind kind) {
  return kind != FailureKind::DataRace && kind != FailureKind::PotentialDeadlock && kind != FailureKind::CheckerFinding;
}

bool Failure::same_place(const Failure& o) const {
  if (kind != o.kind) return false;
  return (where == o.where && other == o.other) || (where == o.other && other == o.where);
}

const Failure* Report::find(FailureKind kind) const {
  for (const Failure& f : failures) {
    if (f.kind == kind) return &f;
  }
  return nullptr;
}

std::vector<Gap> stop_gaps(const Report& r, bool stopped, bool budget) {
  std::vector<Gap> gaps;
  if (stopped) add_gap(gaps, Gap{.kind = GapKind::Stopped});
  if (budget) add_gap(gaps, Gap{.kind = GapKind::Budget, .count = r.executions});
  if (r.time_limit_reached) add_gap(gaps, Gap{.kind = GapKind::TimeLimit, .count = r.executions});
  if (r.interrupted) add_gap(gaps, Gap{.kind = GapKind::Interrupted, .count = r.executions});
  for (const Failure& f : r.failures) {
    if (f.kind == FailureKind::StepLimit) add_gap(gaps, Gap{.kind = GapKind::StepBound, .count = 1});
    if (f.kind == FailureKind::Unmodelled) add_gap(gaps, Gap{.kind = GapKind::Unmodelled, .count = 1});
  }
  return gaps;
}

}  // namespace sim
