// HappensBefore: the synchronisation edges of each kind of event, on vector clocks.
#include "sim/core/happens_before.hpp"

#include "sim/core/observer.hpp"
#include "sim/core/op_traits.hpp"

namespace sim {

bool HappensBefore::uses(OpKind kind) {
  const OpRole role = traits(kind).role;
  return !orders_nothing(kind) && role != OpRole::Read && role != OpRole::Write;
}

void HappensBefore::begin() {
  for (std::size_t i = 0; i < tasks_used_; ++i) {
    Task& t = tasks_[i];
    t.clock.clear();
    t.wake.clear();
    t.held.clear();
    t.waiting_on = none;
  }
  tasks_used_ = 0;
  objects_used_ = 0;
  clocks_used_ = 0;
  start_task(TaskId{0});  // main
  // Clock 0 means "never": a task's own entry starts at 1, so its first accesses are not
  // covered by the clocks of tasks that never synchronised with it.
  tasks_[0].clock.set(0, 1);
}

void HappensBefore::start_task(TaskId t) {
  const std::uint32_t i = index(t);
  if (i >= tasks_.size()) tasks_.resize(i + 1);
  // Task ids are handed out in order, so every slot up to this one is fresh or reset in begin().
  if (i >= tasks_used_) tasks_used_ = i + 1;
}

HappensBefore::Object& HappensBefore::new_object(std::uint32_t i) {
  // Object ids are handed out in order: every id below this one was seen (or is reset here).
  if (i >= objects_.size()) objects_.resize(i + 1);
  for (std::size_t j = objects_used_; j <= i; ++j) objects_[j] = Object{};
  objects_used_ = i + 1;
  return objects_[i];
}

VectorClock& HappensBefore::new_clock(std::uint32_t& slot) {
  if (clocks_used_ == clocks_.size()) clocks_.emplace_back();
  clocks_[clocks_used_].clear();
  slot = static_cast<std::uint32_t>(clocks_used_++);
  return clocks_[slot];
}

void HappensBefore::on_event(const Event& e) {
  const std::uint32_t ti = index(e.task);
  const OpRole role = traits(e.op.kind).role;
  if (role == OpRole::AtomicLoad || role == OpRole::AtomicStore || role == OpRole::AtomicRmw) {
    if (object(e.op.object).modelled) return;
  }
  switch (role) {
    case OpRole::AtomicLoad: acquire(task(e.task), ti, object(e.op.object)); break;
    // A plain store starts a new chain: later loads see this store, not the ones before it.
    case OpRole::AtomicStore: publish(task(e.task), ti, object(e.op.object)); break;
    case OpRole::AtomicRmw: {
      // Reads the chain so far and extends it (a release sequence).
      Object& ob = object(e.op.object);
      acquire(task(e.task), ti, ob);
      publish(task(e.task), ti, ob);
      break;
    }
    case OpRole::Lock: lock(e); break;
    case OpRole::TryLock:
      if (e.flag) lock(e);  // a failed try_lock synchronises with nothing
      break;
    case OpRole::Unlock: release(task(e.task), ti, e.op.object); break;
    case OpRole::Wait: wait(e); break;
    case OpRole::Wake: wake(e); break;
    case OpRole::Notify: notify(e); break;
    case OpRole::NotifyAll: notify_all(e); break;
    case OpRole::Spawn: spawn(e); break;
    case OpRole::Join: task(e.task).clock.join(task(e.peer).clock); break;
    case OpRole::Sync: toolbox(e); break;
    case OpRole::Read:
    case OpRole::Write:
    case OpRole::Start:
    case OpRole::Yield:
    case OpRole::Sleep:
    case OpRole::Finish:
    case OpRole::Print:
      break;
  }
}

void HappensBefore::toolbox(const Event& e) {
  // The rest of the toolbox (semaphores, latches, barriers, channels, futures, an RwLock's
  // shared side) says itself how it orders memory: sim/core/op_traits.hpp.
  const SyncEdge edge = sync_edge(e);
  if (edge == SyncEdge::None) return;
  Task& t = task(e.task);
  const std::uint32_t ti = index(e.task);
  switch (edge) {
    case SyncEdge::Acquire:
    case SyncEdge::AcquireShared:  // a reader sees the writers' releases, not other readers'
      acquire(t, ti, object(e.op.object));
      break;
    case SyncEdge::AcquireRelease:
      acquire(t, ti, object(e.op.object));
      [[fallthrough]];
    case SyncEdge::Release:
      // A join, not an assignment: several tasks release into one semaphore, channel or latch.
      clock_of(e.op.object).join(t.clock);
      object(e.op.object).releaser = none;
      t.clock.tick(ti);
      break;
    case SyncEdge::ReleaseShared:
      readers_clock_of(e.op.object).join(t.clock);
      t.clock.tick(ti);
      break;
    case SyncEdge::None: break;
  }
}

void HappensBefore::acquire(Task& t, std::uint32_t ti, const Object& ob) {
  // Nothing released into it yet, or this task released last (its clock has only grown since).
  if (ob.clock == none || ob.releaser == ti) return;
  t.clock.join(clocks_[ob.clock]);
}

void HappensBefore::publish(Task& t, std::uint32_t ti, Object& ob) {
  clock_of(ob).assign(t.clock);
  ob.releaser = ti;
  t.clock.tick(ti);
}

void HappensBefore::wait(const Event& e) {
  // The event names the condvar, not the mutex it releases: take the innermost one held,
  // which is the condvar's mutex in every ordinary use (a unique_lock around the wait).
  Task& t = task(e.task);
  if (!t.held.empty()) release(t, index(e.task), ObjectId{t.held.back()});
  if (!e.flag) t.waiting_on = index(e.op.object);
}

void HappensBefore::notify(const Event& e) {
  Task& n = task(e.task);
  if (e.peer != no_task) task(e.peer).wake.join(n.clock);
  n.clock.tick(index(e.task));
}

void HappensBefore::notify_all(const Event& e) {
  const std::uint32_t cv = index(e.op.object);
  Task& n = task(e.task);
  for (std::size_t i = 0; i < tasks_used_; ++i) {
    if (tasks_[i].waiting_on == cv) tasks_[i].wake.join(n.clock);
  }
  n.clock.tick(index(e.task));
}

void HappensBefore::spawn(const Event& e) {
  start_task(e.peer);
  Task& parent = task(e.task);
  Task& child = task(e.peer);
  child.clock.assign(parent.clock);
  child.clock.set(index(e.peer), 1);
  parent.clock.tick(index(e.task));
}

void HappensBefore::lock(const Event& e) {
  Task& t = task(e.task);
  const Object& ob = object(e.op.object);
  // An RwLock's writer also sees every reader before it.
  if (ob.readers_clock != none) t.clock.join(clocks_[ob.readers_clock]);
  acquire(t, index(e.task), ob);
  t.held.push_back(index(e.op.object));
}

void HappensBefore::release(Task& t, std::uint32_t ti, ObjectId m) {
  publish(t, ti, object(m));
  if (!t.held.empty() && t.held.back() == index(m)) {
    t.held.pop_back();  // the usual nesting: the last taken is the first released
    return;
  }
  for (std::size_t i = t.held.size(); i-- > 0;) {
    if (t.held[i] == index(m)) {
      t.held.erase(t.held.begin() + static_cast<std::ptrdiff_t>(i));
      break;
    }
  }
}

void HappensBefore::wake(const Event& e) {
  Task& t = task(e.task);
  t.waiting_on = none;
  // A spurious wake-up was caused by nobody: it orders nothing.
  if (!e.flag) t.clock.join(t.wake);
  t.wake.clear();
}

}  // namespace sim
