// Execution: virtual time — deadlines of sleeping and timed-waiting tasks, and the clock.
//
// How this works (a discrete-event simulation): the clock stands still while any task can run
// and jumps to the earliest deadline when none can, waking the tasks due then. Under strict
// timing a task with a deadline is blocked until it is woken or its deadline comes. Under loose
// timing (the default) it stays runnable, so the strategy may also run it early — orders a
// quiet machine would not produce, but a loaded one can — and the execution remembers that it
// did, so a failure that needs it says so.
#include "sim/core/execution_task.hpp"

namespace sim {

void Execution::set_deadline(TaskId t, Nanos at) {
  const std::uint32_t i = index(t);
  if (deadline_[i] == no_deadline) ++timed_;
  deadline_[i] = at;
  timed_out_[i] = 0;
  if (strict_timing()) {
    if (states_[i] == TaskState::Runnable) set_state(t, TaskState::Blocked);
  } else if (states_[i] == TaskState::Blocked) {
    set_state(t, TaskState::Runnable);
  }
}

void Execution::clear_deadline(TaskId t) {
  const std::uint32_t i = index(t);
  if (deadline_[i] == no_deadline) return;
  deadline_[i] = no_deadline;
  --timed_;
}

bool Execution::take_timed_out(TaskId t) {
  const bool out = timed_out_[index(t)] != 0;
  timed_out_[index(t)] = 0;
  return out;
}

void Execution::time_state(TaskId t, std::vector<std::uint64_t>& out) const {
  const std::uint32_t i = index(t);
  // Past deadlines stay apart too: under loose timing their order decides which runs are early.
  out.push_back(deadline_[i] == no_deadline ? 0 : 1);
  out.push_back(deadline_[i] == no_deadline ? 0 : static_cast<std::uint64_t>(deadline_[i] - now_));
  out.push_back(timed_out_[i]);
}

// No task can run: move the clock to the earliest deadline and wake the tasks due then.
bool Execution::advance_clock() {
  Nanos earliest = no_deadline;
  for (std::uint32_t i = 0; i < task_count_; ++i) {
    if (states_[i] == TaskState::Blocked && deadline_[i] < earliest) earliest = deadline_[i];
  }
  if (earliest == no_deadline) return false;
  if (earliest > now_) now_ = earliest;
  for (std::uint32_t i = 0; i < task_count_; ++i) {
    if (states_[i] == TaskState::Blocked && deadline_[i] <= now_) {
      clear_deadline(TaskId{i});
      timed_out_[i] = 1;
      set_state(TaskId{i}, TaskState::Runnable);
    }
  }
  return true;
}

// Loose timing: running a task whose deadline lies ahead moves the clock there; if another
// task could have run first at the current time, that order needed a slow sleeper.
void Execution::note_timing(TaskId chosen) {
  const Nanos due = deadline_[index(chosen)];
  if (due == no_deadline || strict_timing()) return;
  for (std::uint32_t i = 0; i < task_count_; ++i) {
    const Nanos ready = deadline_[i] == no_deadline ? now_ : deadline_[i];
    if (TaskId{i} != chosen && states_[i] == TaskState::Runnable && ready < due) {
      timing_violated_ = true;
      break;
    }
  }
  if (due > now_) now_ = due;
  clear_deadline(chosen);
  timed_out_[index(chosen)] = 1;
}

}  // namespace sim
