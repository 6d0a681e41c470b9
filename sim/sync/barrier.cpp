// Barrier's model: arrivals per phase, the completion step, and waiting for the phase to end.
#include "sim/sync/barrier.hpp"

namespace sim::detail {

void BarrierModel::bind(Execution& e) {
  if (binding_.bind(e, ObjectKind::Barrier, name_, created_)) {
    per_phase_ = expected_;
    pending_ = expected_;
    phase_ = 0;
    waiters_ = WaitList{};
  }
}

std::uint64_t BarrierModel::count(Execution& e, std::ptrdiff_t n, bool drop, Location where) {
  bind(e);
  const ObjectId id = binding_.id();
  e.schedule(OpKind::Arrive, id, where);
  if (!e.aborting() && (n <= 0 || n > pending_)) {
    e.fail(FailureKind::SyncMisuse,
           e.task_name(e.current_task()) + " arrives at barrier " + e.object_name(id) +
               (n <= 0 ? " with a count of " + std::to_string(n)
                       : " (" + std::to_string(n) + ") when " + std::to_string(pending_) +
                             " arrivals are pending: more arrivals than the phase expects"),
           where);
    return phase_;
  }
  const std::uint64_t arrived_at = phase_;
  pending_ -= n;
  if (drop) --per_phase_;
  const bool last = pending_ == 0;
  e.publish(OpKind::Arrive, id, where, value_ref(pending_), no_task, last);
  if (!last) return arrived_at;
  if (run_ != nullptr) {
    // The completion runs in the last arriving task, after every arrival and before any waiter
    // gets through: Pass then Open give a race checker those two edges.
    e.publish(OpKind::Pass, id, where, {}, no_task, true);
    run_(completion_);
    e.publish(OpKind::Open, id, where);
  }
  ++phase_;
  pending_ = per_phase_;
  e.unblock_all(waiters_);
  return arrived_at;
}

std::uint64_t BarrierModel::arrive(Execution& e, std::ptrdiff_t n, Location where) { return count(e, n, false, where); }

void BarrierModel::arrive_and_drop(Execution& e, Location where) { count(e, 1, true, where); }

void BarrierModel::wait(Execution& e, std::uint64_t phase, Location where) {
  bind(e);
  const TaskId me = e.current_task();
  const ObjectId id = binding_.id();
  e.enlist(waiters_, me, Waiting{OpKind::Pass, id, no_task, where});
  if (phase == phase_) e.block(me);
  e.schedule(OpKind::Pass, id, where);
  e.delist(waiters_, me);
  e.publish(OpKind::Pass, id, where, {}, no_task, true);
}

}  // namespace sim::detail
