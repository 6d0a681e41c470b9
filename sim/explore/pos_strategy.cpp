// PosStrategy: event priorities, and re-drawing those of the events that race with each step.
#include "sim/explore/pos_strategy.hpp"

#include "sim/core/execution.hpp"
#include "sim/explore/dpor_trace.hpp"

namespace sim {

namespace {

// Whether `pending`, an operation a task is about to do, races with `done`, an event that
// just ran: both use one object and one of them changes it.
bool races(const Op& pending, ObjectId done_object, Use done_use) {
  if (pending.object != done_object) return false;
  // A pending try_lock counts as one that succeeds, as DPOR probes it (dpor_trace.cpp).
  const std::optional<Use> use = own_use(pending.kind, true);
  return use && (changes(*use) || changes(done_use));
}

}  // namespace

void PosStrategy::start(std::uint64_t index) {
  index_ = index;
  // A stream of its own, so that POS never mirrors the random walk's execution i.
  rng_ = Rng(Rng::mix(Rng::mix(seed_, 0x905), index));
  priorities_.clear();
}

std::uint64_t PosStrategy::priority(TaskId t) {
  const std::uint32_t i = index(t);
  if (i >= priorities_.size()) priorities_.resize(i + 1, 0);
  // Never 0, which marks an event still to draw for.
  if (priorities_[i] == 0) priorities_[i] = rng_.next() | 1;
  return priorities_[i];
}

TaskId PosStrategy::next_task(std::span<const TaskId> runnable, TaskId) {
  // A task's start is no event of the paper's: it commutes with everything, so it goes first
  // (as in DPOR). Drawn for, it would only lose: a task that has not started by the time a
  // step races with its first operation would not have that operation pending to re-draw.
  for (TaskId t : runnable) {
    if (unstarted(exec_->pending(t))) return t;
  }
  TaskId best = runnable.front();
  std::uint64_t top = priority(best);
  for (TaskId t : runnable.subspan(1)) {
    const std::uint64_t p = priority(t);
    if (p > top) best = t, top = p;  // a tie (1 in 2^63) goes to the lower id
  }
  return best;
}

void PosStrategy::on_begin(const Execution& exec) { exec_ = &exec; }

void PosStrategy::on_event(const Execution& exec, const Event& event) {
  const std::uint32_t me = index(event.task);
  // The event ran: its task's next event is a new one.
  if (me < priorities_.size()) priorities_[me] = 0;
  const std::optional<Use> use = own_use(event.op.kind, event.flag);
  if (!use || event.op.object == no_object) return;
  for (std::uint32_t i = 0; i < priorities_.size(); ++i) {
    if (i != me && priorities_[i] != 0 && races(exec.pending(TaskId{i}), event.op.object, *use)) priorities_[i] = 0;
  }
}

// What on_event would do: nothing when the task's own priority is re-drawn already and no
// other task's pending operation races with this one.
bool PosStrategy::unchanged_by(const Execution& exec, TaskId task, ObjectId object, OpKind kind) const {
  const std::uint32_t me = index(task);
  if (me < priorities_.size() && priorities_[me] != 0) return false;
  const std::optional<Use> use = own_use(kind, false);
  if (!use || object == no_object) return true;
  for (std::uint32_t i = 0; i < priorities_.size(); ++i) {
    if (i != me && priorities_[i] != 0 && races(exec.pending(TaskId{i}), object, *use)) return false;
  }
  return true;
}

std::string PosStrategy::describe() const {
  return "pos seed=" + std::to_string(seed_) + " execution=" + std::to_string(index_ + 1);
}

}  // namespace sim
