// TaskLocal: the process-wide counter that keys thread_local values outside a simulation.
#include "sim/sync/task_local.hpp"

namespace sim::detail {

std::uint64_t next_task_local_key() {
  static std::atomic<std::uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace sim::detail
