// RaceDetector: clocks moved along synchronisation edges, FastTrack checks on each access.
#include "checker/race_detector.hpp"

#include <fmt/format.h>

#include "sim/core/execution.hpp"
#include "sim/core/op_traits.hpp"

namespace checker {

using sim::ObjectId;
using sim::OpKind;
using sim::TaskId;

void RaceDetector::on_begin(const sim::Execution&) {
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
  read_sets_used_ = 0;
  races_.clear();
  start_task(TaskId{0});  // main
  // Clock 0 means "never": a task's own entry starts at 1, so its first accesses are not
  // covered by the clocks of tasks that never synchronised with it.
  tasks_[0].clock.set(0, 1);
}

void RaceDetector::start_task(TaskId t) {
  const std::uint32_t i = sim::index(t);
  if (i >= tasks_.size()) tasks_.resize(i + 1);
  // Task ids are handed out in order, so every slot up to this one is fresh or reset above.
  if (i >= tasks_used_) tasks_used_ = i + 1;
}

RaceDetector::Object& RaceDetector::new_object(std::uint32_t i) {
  // Object ids are handed out in order: every id below this one was seen (or is reset here).
  if (i >= objects_.size()) [[unlikely]] grow_objects(i + 1);
  for (std::size_t j = objects_used_; j <= i; ++j) {
    // Only what says "nothing yet": an access's other fields are read only when its epoch's
    // clock is not 0, so resetting the whole Object (about a hundred bytes) is wasted work.
    Object& ob = objects_[j];
    ob.var.write.at.clock = 0;
    ob.var.read.at.clock = 0;
    ob.var.readers = none;
    ob.clock = none;
    ob.readers_clock = none;
    ob.releaser = none;
  }
  objects_used_ = i + 1;
  return objects_[i];
}

void RaceDetector::grow_objects(std::size_t n) { objects_.resize(n); }

VectorClock& RaceDetector::new_clock(Object& ob) {
  if (clocks_used_ == clocks_.size()) clocks_.emplace_back();
  clocks_[clocks_used_].clear();
  ob.clock = static_cast<std::uint32_t>(clocks_used_++);
  return clocks_[ob.clock];
}

void RaceDetector::on_event(const sim::Execution&, const sim::Event& e) {
  using sim::OpRole;
  switch (sim::traits(e.op.kind).role) {
    case OpRole::Read: read(e); break;
    case OpRole::Write: write(e); break;
    case OpRole::AtomicLoad: load(e); break;
    case OpRole::AtomicStore: store(e); break;
    case OpRole::AtomicRmw: rmw(e); break;
    case OpRole::Lock: lock(e); break;
    case OpRole::TryLock: try_lock(e); break;
    case OpRole::Unlock: unlock(e); break;
    case OpRole::Wait: wait(e); break;
    case OpRole::Wake: wake(e); break;
    case OpRole::Notify: notify(e); break;
    case OpRole::NotifyAll: notify_all(e); break;
    case OpRole::Spawn: spawn(e); break;
    case OpRole::Join: join(e); break;
    case OpRole::Sync: toolbox(e); break;
    case OpRole::Start:
    case OpRole::Yield:
    case OpRole::Sleep:
    case OpRole::Finish:
    case OpRole::Print:
      break;
  }
}

void RaceDetector::toolbox(const sim::Event& e) {
  // The rest of the toolbox (semaphores, latches, barriers, channels, futures, an RwLock's
  // shared side) says itself how it orders memory: sim/core/op_traits.hpp.
  const sim::SyncEdge edge = sim::sync_edge(e);
  if (edge == sim::SyncEdge::None) return;
  Task& t = task(e.task);
  const std::uint32_t ti = sim::index(e.task);
  switch (edge) {
    case sim::SyncEdge::Acquire:
    case sim::SyncEdge::AcquireShared:  // a reader sees the writers' releases, not other readers'
      acquire(t, ti, object(e.op.object));
      break;
    case sim::SyncEdge::AcquireRelease:
      acquire(t, ti, object(e.op.object));
      [[fallthrough]];
    case sim::SyncEdge::Release:
      // A join, not an assignment: several tasks release into one semaphore, channel or latch.
      clock_of(e.op.object).join(t.clock);
      object(e.op.object).releaser = none;
      t.clock.tick(ti);
      break;
    case sim::SyncEdge::ReleaseShared:
      readers_clock_of(e.op.object).join(t.clock);
      t.clock.tick(ti);
      break;
    case sim::SyncEdge::None: break;
  }
}

VectorClock& RaceDetector::readers_clock_of(ObjectId o) {
  Object& ob = object(o);
  if (ob.readers_clock == none) {
    if (clocks_used_ == clocks_.size()) clocks_.emplace_back();
    clocks_[clocks_used_].clear();
    ob.readers_clock = static_cast<std::uint32_t>(clocks_used_++);
  }
  return clocks_[ob.readers_clock];
}

void RaceDetector::acquire(Task& t, std::uint32_t ti, const Object& ob) {
  // Nothing released into it yet, or this task released last (its clock has only grown since).
  if (ob.clock == none || ob.releaser == ti) return;
  t.clock.join(clocks_[ob.clock]);
}

void RaceDetector::publish(Task& t, std::uint32_t ti, Object& ob) {
  clock_of(ob).assign(t.clock);
  ob.releaser = ti;
  t.clock.tick(ti);
}

void RaceDetector::load(const sim::Event& e) { acquire(task(e.task), sim::index(e.task), object(e.op.object)); }

void RaceDetector::store(const sim::Event& e) {
  // A plain store starts a new chain: later loads see this store, not the ones before it.
  publish(task(e.task), sim::index(e.task), object(e.op.object));
}

void RaceDetector::rmw(const sim::Event& e) {
  // Reads the chain so far and extends it (a release sequence).
  Task& t = task(e.task);
  const std::uint32_t ti = sim::index(e.task);
  Object& ob = object(e.op.object);
  acquire(t, ti, ob);
  publish(t, ti, ob);
}

void RaceDetector::try_lock(const sim::Event& e) {
  if (e.flag) lock(e);  // a failed try_lock synchronises with nothing
}

void RaceDetector::wait(const sim::Event& e) {
  // The event names the condvar, not the mutex it releases: take the innermost one held,
  // which is the condvar's mutex in every ordinary use (a unique_lock around the wait).
  Task& t = task(e.task);
  if (!t.held.empty()) release(t, sim::index(e.task), ObjectId{t.held.back()});
  if (!e.flag) t.waiting_on = sim::index(e.op.object);
}

void RaceDetector::notify(const sim::Event& e) {
  Task& n = task(e.task);
  if (e.peer != sim::no_task) task(e.peer).wake.join(n.clock);
  n.clock.tick(sim::index(e.task));
}

void RaceDetector::notify_all(const sim::Event& e) {
  const std::uint32_t cv = sim::index(e.op.object);
  Task& n = task(e.task);
  for (std::size_t i = 0; i < tasks_used_; ++i) {
    if (tasks_[i].waiting_on == cv) tasks_[i].wake.join(n.clock);
  }
  n.clock.tick(sim::index(e.task));
}

void RaceDetector::spawn(const sim::Event& e) {
  start_task(e.peer);
  Task& parent = task(e.task);
  Task& child = task(e.peer);
  child.clock.assign(parent.clock);
  child.clock.set(sim::index(e.peer), 1);
  parent.clock.tick(sim::index(e.task));
}

void RaceDetector::join(const sim::Event& e) { task(e.task).clock.join(task(e.peer).clock); }

void RaceDetector::lock(const sim::Event& e) {
  Task& t = task(e.task);
  const Object& ob = object(e.op.object);
  // An RwLock's writer also sees every reader before it.
  if (ob.readers_clock != none) t.clock.join(clocks_[ob.readers_clock]);
  acquire(t, sim::index(e.task), ob);
  t.held.push_back(sim::index(e.op.object));
}

void RaceDetector::unlock(const sim::Event& e) { release(task(e.task), sim::index(e.task), e.op.object); }

void RaceDetector::release(Task& t, std::uint32_t task_index, ObjectId m) {
  publish(t, task_index, object(m));
  if (!t.held.empty() && t.held.back() == sim::index(m)) {
    t.held.pop_back();  // the usual nesting: the last taken is the first released
    return;
  }
  for (std::size_t i = t.held.size(); i-- > 0;) {
    if (t.held[i] == sim::index(m)) {
      t.held.erase(t.held.begin() + static_cast<std::ptrdiff_t>(i));
      break;
    }
  }
}

void RaceDetector::wake(const sim::Event& e) {
  Task& t = task(e.task);
  t.waiting_on = none;
  // A spurious wake-up was caused by nobody: it orders nothing.
  if (!e.flag) t.clock.join(t.wake);
  t.wake.clear();
}

void RaceDetector::record(Access& into, const sim::Event& e, const Task& t) const {
  // Field by field into place: building a temporary and copying it stalls on store forwarding.
  const std::uint32_t ti = sim::index(e.task);
  into.at = t.clock.epoch(ti);
  into.step = sim::index(e.step);
  into.held = t.held.empty() ? none : t.held.back();
  into.kind = e.op.kind;
  into.where = e.op.where;
}

// read and write keep only the common path inline: every rare case (an object's first access,
// shared-read mode, a race, concurrent reads) is a tail call, so nothing stays live across a
// call and the common path saves no registers.
void RaceDetector::read(const sim::Event& e) {
  const std::uint32_t ti = sim::index(e.task);
  const std::uint32_t oi = sim::index(e.op.object);
  if (oi >= objects_used_) [[unlikely]] return first_access(e);
  Task& t = task(e.task);
  Variable& v = objects_[oi].var;
  if (v.readers != none) [[unlikely]] return read_shared(v, e, t);
  // Same epoch as this task's last read: nothing new to check or record.
  if (v.read.at == t.clock.epoch(ti)) return;
  // Reads still totally ordered: one epoch is enough.
  if (!unordered(v.write, ti, t) && !unordered(v.read, ti, t)) [[likely]] return record(v.read, e, t);
  read_slow(v, e, t);
}

bool RaceDetector::unchanged_by(const sim::Execution& exec, sim::TaskId task, sim::ObjectId object, sim::OpKind kind) const {
  const sim::OpRole role = sim::traits(kind).role;
  if (role != sim::OpRole::Read && role != sim::OpRole::Write) return Checker::unchanged_by(exec, task, object, kind);
  const std::uint32_t ti = sim::index(task);
  const std::uint32_t oi = sim::index(object);
  if (oi >= objects_used_ || ti >= tasks_.size()) return false;
  const Epoch now = tasks_[ti].clock.epoch(ti);
  const Variable& v = objects_[oi].var;
  if (role == sim::OpRole::Write) return v.write.at == now;
  if (v.readers == none) return v.read.at == now;
  const std::vector<Access>& set = read_sets_[v.readers];
  return ti < set.size() && set[ti].at == now;
}

void RaceDetector::read_slow(Variable& v, const sim::Event& e, const Task& t) {
  const std::uint32_t ti = sim::index(e.task);
  if (unordered(v.write, ti, t)) race(v.write, e, t);
  if (!unordered(v.read, ti, t)) return record(v.read, e, t);
  // Two concurrent reads: from now on keep one read per task until the next write.
  if (read_sets_used_ == read_sets_.size()) read_sets_.emplace_back();
  std::vector<Access>& set = read_sets_[read_sets_used_];
  set.assign(std::max(ti, v.read.at.task) + 1, Access{});
  set[v.read.at.task] = v.read;
  record(set[ti], e, t);
  v.readers = static_cast<std::uint32_t>(read_sets_used_++);
}

void RaceDetector::read_shared(Variable& v, const sim::Event& e, const Task& t) {
  const std::uint32_t ti = sim::index(e.task);
  std::vector<Access>& set = read_sets_[v.readers];
  if (ti < set.size() && set[ti].at == t.clock.epoch(ti)) return;  // read already in this epoch
  if (unordered(v.write, ti, t)) race(v.write, e, t);
  if (ti >= set.size()) set.resize(ti + 1);
  record(set[ti], e, t);
}

void RaceDetector::write(const sim::Event& e) {
  const std::uint32_t ti = sim::index(e.task);
  const std::uint32_t oi = sim::index(e.op.object);
  if (oi >= objects_used_) [[unlikely]] return first_access(e);
  Task& t = task(e.task);
  Variable& v = objects_[oi].var;
  // Same epoch as this task's last write: any access in between raced with that write already.
  if (v.write.at == t.clock.epoch(ti)) return;
  if (v.readers == none && !unordered(v.write, ti, t) && !unordered(v.read, ti, t)) [[likely]] {
    return record(v.write, e, t);
  }
  write_slow(v, e, t);
}

void RaceDetector::write_slow(Variable& v, const sim::Event& e, const Task& t) {
  const std::uint32_t ti = sim::index(e.task);
  if (unordered(v.write, ti, t)) race(v.write, e, t);
  if (v.readers == none) {
    if (unordered(v.read, ti, t)) race(v.read, e, t);
  } else {
    for (const Access& r : read_sets_[v.readers]) {
      if (unordered(r, ti, t)) race(r, e, t);
    }
    v.readers = none;
    v.read = Access{};
  }
  record(v.write, e, t);
}

void RaceDetector::first_access(const sim::Event& e) {
  new_object(sim::index(e.op.object));
  if (e.op.kind == OpKind::Read) return read(e);
  write(e);
}

void RaceDetector::race(const Access& earlier, const sim::Event& e, const Task& t) {
  if (known(earlier.where, e.op.where)) return;
  reported_.push_back(Pair{earlier.where, e.op.where});
  Race& r = races_.emplace_back();
  r.object = sim::index(e.op.object);
  r.first = earlier;
  record(r.second, e, t);
  if (e.value.present()) r.second_value = e.value.text();
}

bool RaceDetector::known(const sim::Location& a, const sim::Location& b) const {
  for (const Pair& p : reported_) {
    if ((p.a == a && p.b == b) || (p.a == b && p.b == a)) return true;
  }
  return false;
}

void RaceDetector::on_end(const sim::Execution& exec, const sim::Failure*) {
  for (const Race& r : races_) findings_.push_back(describe(exec, r));
  races_.clear();
}

void RaceDetector::hand_over(std::vector<sim::Failure>& out) {
  for (sim::Failure& f : findings_) out.push_back(std::move(f));
  findings_.clear();
}

namespace {

const char* noun(OpKind kind) { return kind == OpKind::Write ? "write" : "read"; }

}  // namespace

sim::Failure RaceDetector::describe(const sim::Execution& exec, const Race& r) const {
  const ObjectId id{r.object};
  const std::string object = exec.object_name(id);
  const std::string& first = exec.task_name(TaskId{r.first.at.task});
  const std::string& second = exec.task_name(TaskId{r.second.at.task});
  auto held = [&](const Access& a) { return exec.object_name(ObjectId{a.held}); };
  // The one missing edge, in words: what each side held.
  std::string why;
  if (r.first.held != none && r.second.held != none && r.first.held != r.second.held) {
    why = fmt::format("{} held {} and {} held {}, and different mutexes do not order each other", first,
                      held(r.first), second, held(r.second));
  } else if (r.first.held != none && r.second.held == none) {
    why = fmt::format("{} held {} but {} took no lock", first, held(r.first), second);
  } else if (r.second.held != none && r.first.held == none) {
    why = fmt::format("{} held {} but {} took no lock", second, held(r.second), first);
  } else {
    why = "no lock, join or atomic links them";
  }
  sim::Failure f;
  f.kind = sim::FailureKind::DataRace;
  f.message = fmt::format("{}'s {} of {} at {} is not ordered after {}'s {} at {}: {}", second, noun(r.second.kind),
                          object, sim::describe(r.second.where), first, noun(r.first.kind), sim::describe(r.first.where), why);
  const sim::ObjectInfo info = exec.object_info(id);
  // Memory of an unmodified program (interpose/) has no creation site: its name says where it is.
  if (info.created.line != 0) {
    f.details.push_back(fmt::format("{} is a {} variable created at {}", object, to_string(info.kind), to_string(info.created)));
  }
  f.task = TaskId{r.second.at.task};
  f.task_name = second;
  f.where = r.second.where;
  f.other = r.first.where;
  f.accesses.push_back(sim::Access{TaskId{r.first.at.task}, first, r.first.kind, r.first.where, sim::StepIndex{r.first.step}, {}});
  f.accesses.push_back(sim::Access{f.task, second, r.second.kind, r.second.where, sim::StepIndex{r.second.step}, r.second_value});
  f.schedule = exec.schedule_so_far();
  return f;
}

}  // namespace checker
