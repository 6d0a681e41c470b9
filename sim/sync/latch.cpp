// Latch: counting down, waiting for zero, and counting past it.
#include "sim/sync/latch.hpp"

namespace sim {

Execution* Latch::bind() const {
  Execution* e = Execution::current();
  if (e != nullptr && binding_.bind(*e, ObjectKind::Latch, name_, created_)) {
    count_ = expected_;
    waiters_ = WaitList{};
  }
  return e;
}

void Latch::count_down(std::ptrdiff_t n, Location where) {
  Execution* e = bind();
  if (e == nullptr) {
    real_.count_down(n);
    return;
  }
  const ObjectId id = binding_.id();
  e->schedule(OpKind::Arrive, id, where);
  if (!e->aborting() && (n < 0 || n > count_)) {
    e->fail(FailureKind::SyncMisuse,
            e->task_name(e->current_task()) + " counts latch " + e->object_name(id) + " down by " + std::to_string(n) +
                " with " + std::to_string(count_) + " left: " + (n < 0 ? "a negative count" : "past zero"),
            where);
    return;
  }
  count_ -= n;
  if (count_ == 0) e->unblock_all(waiters_);
  e->publish(OpKind::Arrive, id, where, detail::value_ref(count_), no_task, count_ == 0);
}

bool Latch::try_wait(Location where) const {
  Execution* e = bind();
  if (e == nullptr) return real_.try_wait();
  e->schedule(OpKind::Pass, binding_.id(), where);
  const bool open = count_ == 0;
  e->publish(OpKind::Pass, binding_.id(), where, {}, no_task, open);
  return open;
}

void Latch::wait(Location where) const {
  Execution* e = bind();
  if (e == nullptr) {
    real_.wait();
    return;
  }
  const TaskId me = e->current_task();
  const ObjectId id = binding_.id();
  e->enlist(waiters_, me, Waiting{OpKind::Pass, id, no_task, where});
  if (count_ > 0) e->block(me);
  e->schedule(OpKind::Pass, id, where);
  e->delist(waiters_, me);
  e->publish(OpKind::Pass, id, where, {}, no_task, true);
}

void Latch::arrive_and_wait(std::ptrdiff_t n, Location where) {
  if (Execution::current() == nullptr) {
    real_.arrive_and_wait(n);
    return;
  }
  count_down(n, where);
  wait(where);
}

}  // namespace sim
