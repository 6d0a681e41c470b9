// Gap names and sentences.
#include "sim/core/gap.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace sim {

namespace {

constexpr std::string_view names[] = {"sampled",    "stopped",    "budget",     "time_limit", "interrupted",
                                      "step_bound", "unmodelled", "divergence", "mispredicted", "unordered", "skipped",
                                      "state_store", "bitstate", "unfair_cycles", "sequential"};

std::string plural(std::uint64_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

}  // namespace

std::string_view to_string(GapKind kind) { return names[static_cast<std::size_t>(kind)]; }

std::optional<GapKind> gap_kind(std::string_view name) {
  const auto* at = std::find(std::begin(names), std::end(names), name);
  if (at == std::end(names)) return std::nullopt;
  return static_cast<GapKind>(at - std::begin(names));
}

bool strategy_gap(GapKind kind) {
  switch (kind) {
    case GapKind::Sampled:
    case GapKind::Divergence:
    case GapKind::Mispredicted:
    case GapKind::Unordered:
    case GapKind::Skipped:
    case GapKind::StateStore:
    case GapKind::Bitstate:
    case GapKind::UnfairCycles:
    case GapKind::Sequential:
      return true;
    case GapKind::Stopped:
    case GapKind::Budget:
    case GapKind::TimeLimit:
    case GapKind::Interrupted:
    case GapKind::StepBound:
    case GapKind::Unmodelled:
      return false;
  }
  return false;
}

std::string to_text(const Gap& gap) {
  switch (gap.kind) {
    case GapKind::Sampled:
      return "the strategy samples schedules: it never shows that no schedule fails (dfs and dpor can)";
    case GapKind::Stopped:
      return "the search stopped at its first failure; the schedules after it were not run";
    case GapKind::Budget:
      return fmt::format("the budget of {} ran out before the search's end", plural(gap.count, "execution", "executions"));
    case GapKind::TimeLimit:
      return fmt::format("the time limit ran out after {}", plural(gap.count, "execution", "executions"));
    case GapKind::Interrupted:
      return fmt::format("interrupted after {}", plural(gap.count, "execution", "executions"));
    case GapKind::StepBound:
      return fmt::format("executions were cut at the step limit ({}): what would have followed was not explored",
                         plural(gap.count, "StepLimit finding", "StepLimit findings"));
    case GapKind::Unmodelled:
      return "the program did something the model cannot see (the Unmodelled finding says what): "
             "schedules of that part were not explored";
    case GapKind::Divergence:
      return fmt::format(
          "{} of recorded choices did not lead where {} before: the program depends on something the scheduler does "
          "not decide (the clock, a random number, state kept from an earlier execution), so parts of the search "
          "were never reached{}{}",
          plural(gap.count, "replay", "replays"), gap.count == 1 ? "it had" : "they had",
          gap.count >= DivergenceLog::give_up ? ", and the search gave up" : "",
          gap.detail.empty() ? "" : "; the first: " + gap.detail);
    case GapKind::Mispredicted:
      return fmt::format(
          "{} of a reversed race did not run as the model predicted (a task it meant to run was blocked, or took "
          "another step), so what lies beyond {} is not vouched for{}",
          plural(gap.count, "reordering", "reorderings"), gap.count == 1 ? "it" : "them",
          gap.detail.empty() ? "" : "; the first: " + gap.detail);
    case GapKind::Unordered:
      return fmt::format("{} the model could not order {} not reversed{}", plural(gap.count, "race", "races"),
                         gap.count == 1 ? "was" : "were", gap.detail.empty() ? "" : " (the first: " + gap.detail + ")");
    case GapKind::Skipped:
      return fmt::format("the random order left {} unfinished to branch elsewhere: what {} held was not explored (depth "
                         "first, the default order, runs every one)",
                         plural(gap.count, "subtree", "subtrees"), gap.count == 1 ? "it" : "they");
    case GapKind::StateStore:
      return fmt::format("the store of states filled at {} (the limit given): the search stopped there, and what lay "
                         "beyond was not explored",
                         plural(gap.count, "state", "states"));
    case GapKind::Bitstate:
      return fmt::format("{} kept as bits, not whole ({}): a new state whose bits were all set already was taken for one "
                         "seen and not explored, so this is not a proof",
                         plural(gap.count, "state was", "states were"), gap.detail);
    case GapKind::UnfairCycles:
      return fmt::format("{} closed in which a task that could run all along never ran: a fair schedule follows none of "
                         "them, so none of them is a livelock on its own; a fair cycle made of several together was not "
                         "looked for (every assertion, deadlock and race is still found)",
                         plural(gap.count, "cycle was", "cycles were"));
    case GapKind::Sequential:
      return fmt::format("{} ran atomic operations given weaker memory orders as sequentially consistent: the memory "
                         "model was off (it needs the happens-before clocks the race detector keeps) or the atomic is "
                         "wider than 8 bytes, so what only the weaker orders allow was not explored",
                         plural(gap.count, "execution", "executions"));
  }
  return std::string(to_string(gap.kind));
}

void add_gap(std::vector<Gap>& gaps, Gap gap) {
  auto at = std::find_if(gaps.begin(), gaps.end(), [&](const Gap& g) { return g.kind >= gap.kind; });
  if (at != gaps.end() && at->kind == gap.kind) {
    at->count += gap.count;
    if (at->detail.empty()) at->detail = std::move(gap.detail);
    return;
  }
  gaps.insert(at, std::move(gap));
}

void drop_sampled_budget(std::vector<Gap>& gaps) {
  if (std::none_of(gaps.begin(), gaps.end(), [](const Gap& g) { return g.kind == GapKind::Sampled; })) return;
  std::erase_if(gaps, [](const Gap& g) { return g.kind == GapKind::Budget; });
}

}  // namespace sim
