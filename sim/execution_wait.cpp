// Execution: task states and the intrusive wait lists every primitive shares.
#include "sim/execution_task.hpp"

namespace sim {

void Execution::enlist(WaitList& list, TaskId t, const Waiting& why) {
  task(t).waiting = why;
  links_[index(t)] = no_task;
  if (list.head == no_task) {
    list.head = t;
    return;
  }
  TaskId last = list.head;
  while (links_[index(last)] != no_task) last = links_[index(last)];
  links_[index(last)] = t;
}

void Execution::delist(WaitList& list, TaskId t) {
  if (list.head == t) {
    list.head = links_[index(t)];
    links_[index(t)] = no_task;
    return;
  }
  for (TaskId at = list.head; at != no_task; at = links_[index(at)]) {
    if (links_[index(at)] == t) {
      links_[index(at)] = links_[index(t)];
      links_[index(t)] = no_task;
      return;
    }
  }
}

void Execution::block_all(const WaitList& list, TaskId holder) {
  for (TaskId at = list.head; at != no_task; at = links_[index(at)]) {
    task(at).waiting.holder = holder;
    block(at);
  }
}

void Execution::unblock_all(const WaitList& list) {
  for (TaskId at = list.head; at != no_task; at = links_[index(at)]) unblock(at);
}

std::uint32_t Execution::length(const WaitList& list) const {
  std::uint32_t n = 0;
  for (TaskId at = list.head; at != no_task; at = links_[index(at)]) ++n;
  return n;
}

TaskId Execution::nth(const WaitList& list, std::uint32_t n) const {
  TaskId at = list.head;
  while (n-- > 0 && at != no_task) at = links_[index(at)];
  return at;
}

TaskId Execution::woken_by(TaskId t) const { return task(t).woken_by; }
void Execution::set_woken_by(TaskId t, TaskId by) { task(t).woken_by = by; }

}  // namespace sim
