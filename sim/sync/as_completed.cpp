// as_completed's queue: continuations on each future feed it; next() waits for its head.
#include "sim/sync/as_completed.hpp"

namespace sim::detail {

void CompletionQueue::bind(Execution& e) {
  if (binding_.bind(e, ObjectKind::AsCompleted, name_, created_)) waiters_ = WaitList{};
}

void CompletionQueue::add(std::shared_ptr<FutureCore> f, std::size_t index) {
  slots_.push_back(Slot{this, index, std::move(f)});
}

void CompletionQueue::start() {
  remaining_ = slots_.size();
  // After every slot is in place: on_ready may run the continuation at once.
  for (Slot& s : slots_) s.future->on_ready(Continuation{&CompletionQueue::completed, &s});
}

CompletionQueue::~CompletionQueue() {
  for (Slot& s : slots_) s.future->forget(&s);
}

void CompletionQueue::completed(void* slot) {
  Slot& s = *static_cast<Slot*>(slot);
  CompletionQueue& q = *s.queue;
  if (Execution* e = Execution::current()) {
    q.bind(*e);
    q.done_.push_back(s.index);
    e->unblock_all(q.waiters_);
    return;
  }
  std::lock_guard<std::mutex> lock(q.mutex_);
  q.done_.push_back(s.index);
  q.completed_.notify_all();
}

std::optional<std::size_t> CompletionQueue::next(Location where) {
  Execution* e = Execution::current();
  if (e == nullptr) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (remaining_ == 0) return std::nullopt;
    completed_.wait(lock, [&] { return !done_.empty(); });
    --remaining_;
    const std::size_t i = done_.front();
    done_.pop_front();
    return i;
  }
  if (remaining_ == 0) return std::nullopt;
  bind(*e);
  const TaskId me = e->current_task();
  e->enlist(waiters_, me, Waiting{OpKind::WaitAny, binding_.id(), no_task, where});
  if (done_.empty()) e->block(me);
  e->schedule(OpKind::WaitAny, binding_.id(), where);
  e->delist(waiters_, me);
  if (done_.empty()) return std::nullopt;  // stopping
  --remaining_;
  const std::size_t i = done_.front();
  done_.pop_front();
  e->publish(OpKind::WaitAny, binding_.id(), where, value_ref(i));
  return i;
}

}  // namespace sim::detail
