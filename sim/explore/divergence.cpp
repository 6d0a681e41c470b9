// Divergence details, in task names and step numbers as the stories use them; and the gaps the
// exhaustive searches (DFS, DPOR) report of themselves.
#include "sim/explore/divergence.hpp"

#include <vector>

#include <fmt/format.h>

#include "sim/core/execution.hpp"
#include "sim/explore/dfs_strategy.hpp"
#include "sim/explore/dpor_strategy.hpp"

namespace sim {

namespace {

std::string names(std::span<const TaskId> tasks) {
  const Execution* e = Execution::current();
  std::string out;
  for (TaskId t : tasks) {
    if (!out.empty()) out += ", ";
    out += e != nullptr ? e->task_name(t) : fmt::format("task {}", index(t));
  }
  return out.empty() ? "none" : out;
}

std::string at(std::size_t choice) {
  const Execution* e = Execution::current();
  if (e == nullptr) return fmt::format("choice {}", choice + 1);
  return fmt::format("choice {} (step {})", choice + 1, e->steps() + 1);
}

}  // namespace

std::string changed_runnable(std::size_t choice, std::span<const TaskId> recorded, std::span<const TaskId> now) {
  return fmt::format("at {} the tasks that could run were {}, where the same choices before had led to {}", at(choice),
                     names(now), names(recorded));
}

std::string changed_value(std::size_t choice, std::uint32_t recorded, std::uint32_t now) {
  return fmt::format("at {} a data choice had {} options, where the same choices before had led to one of {}", at(choice),
                     now, recorded);
}

std::string changed_kind(std::size_t choice, bool value) {
  return fmt::format("at {} a choice of {} came where the same choices before had led to a choice of {}", at(choice),
                     value ? "value" : "task", value ? "task" : "value");
}

std::string changed_step(TaskId task, std::uint32_t nth, OpKind recorded, OpKind now) {
  const std::vector<TaskId> who{task};
  if (recorded == now) return fmt::format("{}'s step {} did {} on another object than it had before", names(who), nth, to_string(now));
  return fmt::format("{}'s step {} did {} where it had done {} before", names(who), nth, to_string(now), to_string(recorded));
}

std::string unrecorded_step(TaskId task, std::uint32_t nth, OpKind now) {
  const std::vector<TaskId> who{task};
  return fmt::format("{}'s step {} did {}, which none of the steps recorded there did", names(who), nth, to_string(now));
}

std::string missing_task(std::size_t choice, std::span<const TaskId> now) {
  return fmt::format("at {} a task that had run there before could not run (could: {})", at(choice), names(now));
}
std::string race_steps(TaskId earlier, std::uint32_t earlier_nth, TaskId later, std::uint32_t later_nth) {
  const std::vector<TaskId> a{earlier}, b{later};
  return fmt::format("{}'s step {} and {}'s step {}", names(a), earlier_nth, names(b), later_nth);
}

// The exhaustive searches' own gaps: what a walk to their end would still not have covered.

std::vector<Gap> DfsStrategy::gaps() const {
  if (diverged_.count == 0) return {};
  return {Gap{.kind = GapKind::Divergence, .count = diverged_.count, .detail = diverged_.first}};
}

std::vector<Gap> DporStrategy::gaps() const {
  std::vector<Gap> out;
  if (diverged_.count > 0) out.push_back(Gap{.kind = GapKind::Divergence, .count = diverged_.count, .detail = diverged_.first});
  if (mispredicted_.count > 0) {
    out.push_back(Gap{.kind = GapKind::Mispredicted, .count = mispredicted_.count, .detail = mispredicted_.first});
  }
  if (unreversed_ > 0) out.push_back(Gap{.kind = GapKind::Unordered, .count = unreversed_, .detail = first_unreversed_});
  if (skipped_in_pass_ > 0 || (!done_ && skipped_ > 0)) out.push_back(Gap{.kind = GapKind::Skipped, .count = skipped_, .detail = {}});
  return out;
}

}  // namespace sim
