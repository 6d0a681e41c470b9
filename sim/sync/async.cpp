// The event loop: ready coroutines chosen by the strategy, timers, and waiting for a wake-up.
#include "sim/sync/async.hpp"

#include <algorithm>
#include <chrono>

namespace sim::async {

namespace {

Nanos real_now() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Loop::~Loop() {
  // Coroutines that never finished (the execution stopped, or run() was never called).
  for (Root& r : roots_) r.h.destroy();
}

void Loop::start(std::coroutine_handle<> h, detail::PromiseBase& p, std::string_view name, Location where) {
  std::unique_lock<std::mutex> lock;
  if (Execution::current() == nullptr) lock = std::unique_lock<std::mutex>(mutex_);
  Root& r = roots_.emplace_back(Root{h, name.empty() ? name_ + ".co" + std::to_string(spawned_ + 1) : std::string(name)});
  ++spawned_;
  p.loop = this;
  p.name = &r.name;
  if (!lock.owns_lock()) return ready(h, &r.name, where);
  ready_.push_back(Entry{h, &r.name, where});
  woken_.notify_one();
}

void Loop::ready(std::coroutine_handle<> h, const std::string* name, Location where) {
  if (Execution* e = Execution::current()) {
    ready_.push_back(Entry{h, name, where});
    if (idle_ && runner_ != no_task) e->unblock(runner_);
    return;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  ready_.push_back(Entry{h, name, where});
  woken_.notify_one();
}

void Loop::sleep(std::coroutine_handle<> h, const std::string* name, Duration d, Location where) {
  if (d.count() <= 0) return ready(h, name, where);
  Execution* e = Execution::current();
  std::unique_lock<std::mutex> lock;
  if (e == nullptr) lock = std::unique_lock<std::mutex>(mutex_);
  const Nanos at = (e != nullptr ? e->now() : real_now()) + d.count();
  const Timer t{at, timer_seq_++, Entry{h, name, where}};
  auto later = std::upper_bound(timers_.begin(), timers_.end(), t,
                                [](const Timer& a, const Timer& b) { return a.at < b.at || (a.at == b.at && a.seq < b.seq); });
  timers_.insert(later, t);
}

void Loop::fire_timers(Nanos now) {
  std::size_t due = 0;
  while (due < timers_.size() && timers_[due].at <= now) ready_.push_back(timers_[due++].entry);
  timers_.erase(timers_.begin(), timers_.begin() + static_cast<std::ptrdiff_t>(due));
}

void Loop::reap() {
  std::erase_if(roots_, [](Root& r) {
    if (!r.h.done()) return false;
    r.h.destroy();
    return true;
  });
}

void Loop::run(Location where) {
  if (Execution* e = Execution::current()) return run_simulated(*e, where);
  run_real();
}

void Loop::run_simulated(Execution& e, Location where) {
  if (binding_.bind(e, ObjectKind::EventLoop, name_, created_)) idle_list_ = WaitList{};
  runner_ = e.current_task();
  while (true) {
    fire_timers(e.now());
    if (ready_.empty()) {
      if (roots_.empty()) break;
      wait_for_work(e, where);
      continue;
    }
    e.schedule(OpKind::Resume, binding_.id(), where);
    fire_timers(e.now());
    // Which ready coroutine goes on is the strategy's choice: the interleavings of coroutines.
    const std::size_t i = e.choose_value(static_cast<std::uint32_t>(ready_.size()));
    const Entry next = ready_[i];
    ready_.erase(ready_.begin() + static_cast<std::ptrdiff_t>(i));
    e.publish(OpKind::Resume, binding_.id(), next.where, sim::detail::value_ref(*next.name));
    next.h.resume();
    reap();
  }
  runner_ = no_task;
}

void Loop::wait_for_work(Execution& e, Location where) {
  // Woken by ready() (a future set, a channel value) or, at the latest, by the first timer.
  const TaskId me = e.current_task();
  e.enlist(idle_list_, me, Waiting{OpKind::Resume, binding_.id(), no_task, where});
  const bool timed = !timers_.empty();
  if (timed) e.set_deadline(me, timers_.front().at);
  e.block(me);
  idle_ = true;
  e.schedule(OpKind::Resume, binding_.id(), where);
  idle_ = false;
  if (timed) {
    e.take_timed_out(me);
    e.clear_deadline(me);
  }
  e.delist(idle_list_, me);
}

void Loop::run_real() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    fire_timers(real_now());
    if (ready_.empty()) {
      if (roots_.empty()) break;
      if (timers_.empty()) {
        woken_.wait(lock);
      } else {
        woken_.wait_until(lock, std::chrono::steady_clock::time_point(std::chrono::nanoseconds(timers_.front().at)));
      }
      continue;
    }
    const Entry next = ready_.front();
    ready_.pop_front();
    lock.unlock();
    next.h.resume();
    lock.lock();
    reap();
  }
}

}  // namespace sim::async
