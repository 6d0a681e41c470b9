// ChannelCore: waiting to send and receive, closing, and keeping waiters' states up to date.
#include "sim/sync/channel_core.hpp"

#include <algorithm>

#include "sim/sync/select.hpp"

namespace sim::detail {

bool ChannelCore::bind(Execution& e) {
  if (!binding_.bind(e, ObjectKind::Channel, name_, created_)) return false;
  closed_ = false;
  closed_by_ = no_task;
  count_ = 0;
  offers_ = taken_ = 0;
  taker_ = no_task;
  takers_ = 0;
  senders_ = receivers_ = pickups_ = WaitList{};
  waiting_receivers_ = 0;
  watchers_.clear();
  return true;
}

void ChannelCore::deposited() {
  ++count_;
  ++offers_;
  if (capacity_ == 0) commit_receiver();
}

std::size_t ChannelCore::receivers() const {
  std::size_t n = waiting_receivers_ + takers_;
  for (const Watch& w : watchers_) n += w.recv ? 1 : 0;
  return n;
}

void ChannelCore::commit_receiver() {
  if (waiting_receivers_ > 0 || takers_ > 0) return;
  for (const Watch& w : watchers_) {
    if (w.recv) {
      w.waiter->commit(this);
      return;
    }
  }
}

void ChannelCore::wait_to_send(Execution* e, std::unique_lock<std::mutex>* lock, Location where) {
  if (e == nullptr) {
    changed_.wait(*lock, [&] { return can_send(); });
    return;
  }
  const TaskId me = e->current_task();
  e->enlist(senders_, me, Waiting{OpKind::Send, id(), no_task, where});
  if (!can_send()) e->block(me);
  e->schedule(OpKind::Send, id(), where);
  e->delist(senders_, me);
}

void ChannelCore::wait_to_recv(Execution* e, std::unique_lock<std::mutex>* lock, Location where) {
  ++waiting_receivers_;
  // Unbuffered: a waiting receiver lets a select's send case go on.
  if (capacity_ == 0) notify_watchers(e);
  if (e == nullptr) {
    changed_.wait(*lock, [&] { return can_recv(); });
  } else {
    const TaskId me = e->current_task();
    e->enlist(receivers_, me, Waiting{OpKind::Recv, id(), no_task, where});
    if (!can_recv()) e->block(me);
    e->schedule(OpKind::Recv, id(), where);
    e->delist(receivers_, me);
  }
  --waiting_receivers_;
}

bool ChannelCore::wait_for_pickup(Execution* e, std::unique_lock<std::mutex>* lock, std::uint64_t seq, Location where) {
  if (e == nullptr) {
    changed_.wait(*lock, [&] { return taken_ >= seq || closed_; });
    return taken_ >= seq;
  }
  if (taken_ < seq && !closed_) {
    // Unblocked by picked_up when a receiver takes this value or a close withdraws it.
    const TaskId me = e->current_task();
    e->enlist(pickups_, me, Waiting{OpKind::Send, id(), no_task, where});
    e->block(me);
    e->schedule(OpKind::Send, id(), where);
    e->delist(pickups_, me);
  }
  return taken_ >= seq;
}

void ChannelCore::picked_up(Execution* e, TaskId sender) {
  if (e != nullptr && sender != no_task) e->unblock(sender);
}

bool ChannelCore::close(Execution* e, Location where) {
  if (e != nullptr) {
    e->schedule(OpKind::Close, id(), where);
    if (closed_ && !e->aborting()) {
      e->fail(FailureKind::ChannelMisuse,
              e->task_name(e->current_task()) + " closes channel " + e->object_name(id()) + ", which " +
                  e->task_name(closed_by_) + " already closed (at " + to_string(closed_at_) + ")",
              where);
      return false;
    }
    if (e->aborting()) return false;
    closed_by_ = e->current_task();
  }
  closed_ = true;
  closed_at_ = where;
  // An unbuffered send still waiting for a receiver fails, as in Go: its value goes.
  const bool withdrawn = capacity_ == 0 && count_ > 0;
  if (withdrawn) count_ = 0;
  if (e != nullptr) e->publish(OpKind::Close, id(), where);
  return withdrawn;
}

void ChannelCore::send_on_closed(Execution& e, bool waiting, Location where) {
  const std::string me = e.task_name(e.current_task());
  const std::string ch = "channel " + e.object_name(id());
  const std::string closer = e.task_name(closed_by_) + " closed it (at " + to_string(closed_at_) + ")";
  e.fail(FailureKind::ChannelMisuse,
         waiting ? me + " sends on " + ch + " and waits for a receiver, but " + closer + ": a send on a closed channel"
                 : me + " sends on " + ch + ", which is closed: " + closer,
         where);
}

void ChannelCore::refresh(Execution* e) {
  if (e == nullptr) {
    changed_.notify_all();
  } else {
    const bool recv = can_recv();
    for (TaskId t = receivers_.head; t != no_task; t = e->next_in(t)) recv ? e->unblock(t) : e->block(t);
    const bool send = can_send();
    for (TaskId t = senders_.head; t != no_task; t = e->next_in(t)) send ? e->unblock(t) : e->block(t);
  }
  notify_watchers(e);
}

void ChannelCore::watch(SelectWaiter* w, bool recv, Execution* e) {
  watchers_.push_back(Watch{w, recv});
  if (capacity_ == 0 && recv) notify_watchers(e);
}

void ChannelCore::unwatch(SelectWaiter* w, Execution* e) {
  drop(w);
  if (capacity_ == 0) notify_watchers(e);
}

void ChannelCore::drop(SelectWaiter* w) {
  std::erase_if(watchers_, [w](const Watch& x) { return x.waiter == w; });
}

// Who waits in a plain send or receive is in each task's position and scheduling state; a select
// keeps its registration and its commitment here, and the order of registration decides which
// select an unbuffered value is committed to. Who closed the channel is named by a later misuse.
bool ChannelCore::state(const Execution& e, std::vector<std::uint64_t>& out, const std::function<std::uint64_t(TaskId)>& who) const {
  if (!binding_.bound_to(e)) {
    out.insert(out.end(), {0, 0, 0, 0, 0});
    return false;
  }
  out.push_back(closed_ ? 1 + who(closed_by_) : 0);
  out.push_back(count_);
  out.push_back(waiting_receivers_);
  out.push_back(takers_);
  out.push_back(watchers_.size());
  for (const Watch& w : watchers_) out.push_back(who(w.waiter->task_) * 4 + (w.recv ? 1 : 0) + (w.waiter->committed_ == this ? 2 : 0));
  return true;
}

void ChannelCore::notify_watchers(Execution* e) {
  for (const Watch& w : watchers_) w.waiter->changed(e);
}

}  // namespace sim::detail
