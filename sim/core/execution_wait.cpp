// Execution: task states and the intrusive wait lists every primitive shares.
#include "sim/core/execution_task.hpp"

namespace sim {

std::uint32_t Execution::length(const WaitList& list) const {
  std::uint32_t n = 0;
  for (TaskId at = list.head; at != no_task; at = links_.next(at)) ++n;
  return n;
}

TaskId Execution::nth(const WaitList& list, std::uint32_t n) const {
  TaskId at = list.head;
  while (n-- > 0 && at != no_task) at = links_.next(at);
  return at;
}

TaskId Execution::woken_by(TaskId t) const { return task(t).woken_by; }
void Execution::set_woken_by(TaskId t, TaskId by) { task(t).woken_by = by; }

}  // namespace sim
