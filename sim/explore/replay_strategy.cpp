// ReplayStrategy: the recorded choices, with a clear message at the first one that does not fit.
#include "sim/explore/replay_strategy.hpp"

#include <fmt/format.h>

#include "sim/core/execution.hpp"

namespace sim {

bool ReplayStrategy::begin_execution() {
  if (started_) return false;  // a replay is one execution
  started_ = true;
  at_ = 0;
  path_.truncate(0);
  divergence_.clear();
  return true;
}

void ReplayStrategy::diverge(std::string what) {
  if (divergence_.empty()) {
    divergence_ = "replay diverged at choice " + std::to_string(at_ + 1) + " of " +
                  std::to_string(schedule_.choices.size()) + ": " + what;
  }
}

// At the token's first choice the execution has created the tasks the recording had by then: if
// its fingerprint differs, the token comes from another program.
void ReplayStrategy::check_fingerprint() {
  const Execution* e = Execution::current();
  if (at_ != 0 || schedule_.choices.empty() || e == nullptr || e->fingerprint() == schedule_.fingerprint) return;
  if (divergence_.empty()) {
    divergence_ = fmt::format(
        "the token was not recorded on this program (or on this version of it): its fingerprint of the tasks "
        "created and of what ran is {:04x}, this program's is {:04x}",
        schedule_.fingerprint, e->fingerprint());
  }
}

bool ReplayStrategy::prune(std::span<const TaskId> runnable) {
  Execution* e = Execution::current();
  const std::optional<StateHash> h = hash_state(*e, words_);
  if (!h) return false;
  const std::size_t from = path_.find(*h);
  if (from == CycleWatch::none) {
    path_.arrive(at_, *h, runnable, e->events());
    return false;
  }
  // Back in a state of its path where the token runs out: the cycle a stateful search recorded.
  if (at_ < schedule_.choices.size() || !divergence_.empty() || !path_.fair(from)) return false;
  path_.report(*e, from);
  return true;
}

TaskId ReplayStrategy::next_task(std::span<const TaskId> runnable, TaskId) {
  check_fingerprint();
  const TaskId chosen = follow(runnable);
  path_.chose(at_ - 1, chosen);
  return chosen;
}

TaskId ReplayStrategy::follow(std::span<const TaskId> runnable) {
  if (at_ >= schedule_.choices.size()) {
    diverge("the token has no more choices but the execution goes on");
    ++at_;
    return runnable.front();
  }
  const Choice c = schedule_.choices[at_];
  if (c.kind != Choice::Kind::Task) {
    diverge("the token has a value choice where the execution chooses a task");
  } else {
    for (TaskId t : runnable) {
      if (index(t) == c.value) {
        ++at_;
        return t;
      }
    }
    diverge("the token runs task " + std::to_string(c.value) + ", which cannot run at this point");
  }
  ++at_;
  return runnable.front();
}

std::uint32_t ReplayStrategy::next_value(std::uint32_t bound) {
  check_fingerprint();
  if (at_ >= schedule_.choices.size()) {
    diverge("the token has no more choices but the execution goes on");
    ++at_;
    return 0;
  }
  const Choice c = schedule_.choices[at_++];
  if (c.kind != Choice::Kind::Value) {
    diverge("the token has a task choice where the execution chooses a value");
    return 0;
  }
  if (c.value >= bound) {
    diverge("the token chooses value " + std::to_string(c.value) + " of only " + std::to_string(bound));
    return 0;
  }
  return c.value;
}

void ReplayStrategy::end_execution() {
  if (divergence_.empty() && at_ < schedule_.choices.size()) {
    divergence_ = "replay diverged: the execution ended after " + std::to_string(at_) + " of the token's " +
                  std::to_string(schedule_.choices.size()) + " choices";
  }
}

}  // namespace sim
