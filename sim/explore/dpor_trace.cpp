// DporTrace: steps rebuilt from events, clocks, and the races each step closes.
#include "sim/explore/dpor_trace.hpp"

#include <algorithm>

#include "sim/core/execution.hpp"
#include "sim/core/op_traits.hpp"

namespace sim {

bool dependent(const StepSig& a, const StepSig& b) {
  for (const KeyUse& x : a.uses) {
    for (const KeyUse& y : b.uses) {
      if (x.key == y.key && (x.write || y.write)) return true;
    }
  }
  return false;
}

std::optional<Use> own_use(OpKind kind, bool flag) {
  switch (traits(kind).role) {
    case OpRole::Read:
    case OpRole::AtomicLoad: return Use::Read;
    case OpRole::Write:
    case OpRole::AtomicStore:
    case OpRole::AtomicRmw:
    case OpRole::Wait:
    case OpRole::Notify:
    case OpRole::NotifyAll:
    case OpRole::Print: return Use::Write;
    case OpRole::Lock: return Use::Acquire;
    case OpRole::TryLock: return flag ? Use::TryAcquire : Use::TryFail;
    case OpRole::Unlock: return Use::Release;
    case OpRole::Start:
    case OpRole::Sync: return Use::Other;
    case OpRole::Wake:
    case OpRole::Sleep:
    case OpRole::Spawn:
    case OpRole::Join:
    case OpRole::Yield:
    case OpRole::Finish: return std::nullopt;
  }
  return std::nullopt;
}

// --- stable names ---

void Identities::begin(const Execution& exec) {
  exec_ = &exec;
  tasks_.assign(1, 0);  // main is task 0; its descendants are numbered by creation path
  children_.assign(1, 0);
  objects_.clear();
}

// Shared, a name once given never changes, so the copy in `mine` is read without the lock, which
// is taken only when it misses.
template <class Map>
std::uint32_t Identities::name(Map& table, Map& mine, const typename Map::key_type& key, std::uint32_t first) {
  auto give = [&] { return table.try_emplace(key, static_cast<std::uint32_t>(table.size()) + first).first->second; };
  if (!table_->locked) return give();
  if (auto it = mine.find(key); it != mine.end()) return it->second;
  std::lock_guard held(table_->mutex);
  return mine[key] = give();
}

void Identities::spawned(TaskId parent, TaskId child) {
  const std::uint32_t p = index(parent), c = index(child);
  if (c >= tasks_.size()) {
    tasks_.resize(c + 1, 0);
    children_.resize(c + 1, 0);
  }
  tasks_[c] = name(table_->paths, my_paths_, std::make_pair(tasks_[p], children_[p]++), 1);
  children_[c] = 0;
}

std::uint32_t Identities::object(ObjectId o) {
  if (o == clock_object) return clock_key;
  const std::uint32_t i = index(o);
  if (i >= objects_.size()) objects_.resize(i + 1, no_key);
  if (objects_[i] == no_key) {
    ObjectInfo info = exec_->object_info(o);
    objects_[i] = name(table_->keys, my_keys_,
                       std::make_tuple(static_cast<int>(info.kind), info.created.file, info.created.line, std::move(info.name)), 0);
  }
  return objects_[i];
}

// --- recording ---

void DporTrace::begin(const Execution& exec) {
  names_.begin(exec);
  count_ = 0;
  settled_ = 0;
  store_steps_.clear();
  free_loads_ = false;
  memory_ = exec.memory();  // decided before the execution's observers begin
  chose_node_ = -1;
  chose_task_ = last_task_ = no_task;
  // Reset, not cleared: their vectors' storage serves the next execution.
  for (TaskState& t : tasks_) t.reset();
  waiting_.clear();
  for (ObjectState& o : objects_) o.reset();
  clock_.reset();
  now_ = 0;
  barrier_ = false;
}

TraceStep& DporTrace::add_step() {
  if (count_ == steps_.size()) steps_.emplace_back();
  TraceStep& s = steps_[count_++];
  s.reset();
  return s;
}

DporTrace::ObjectState& DporTrace::state(ObjectId o) {
  if (o == clock_object) return clock_;
  if (index(o) >= objects_.size()) objects_.resize(index(o) + 1);
  return objects_[index(o)];
}

DporTrace::TaskState& DporTrace::task(TaskId t) {
  if (index(t) >= tasks_.size()) tasks_.resize(index(t) + 1);
  return tasks_[index(t)];
}

void DporTrace::chose(std::int32_t node, TaskId t, std::uint32_t stamp) {
  chose_node_ = node;
  chose_task_ = t;
  chose_stamp_ = stamp;
}

void DporTrace::value_chosen(TaskId t, std::uint32_t value) { task(t).values.push_back(value); }

void DporTrace::open_step(TaskId t, std::uint32_t stamp) {
  TaskState& ts = task(t);
  TraceStep& s = add_step();
  s.task = t;
  s.nth = ++ts.steps;
  s.prev = ts.last >= 0 ? ts.last : ts.spawned_in;
  s.sig.task = names_.task(t);
  s.sig.values.assign(ts.values.begin(), ts.values.end());
  ts.values.clear();
  ts.last = static_cast<std::int32_t>(count_ - 1);
  if (chose_node_ >= 0 && chose_task_ == t && chose_stamp_ == stamp) s.node = chose_node_;
  chose_node_ = -1;
  if (barrier_) {
    // Strict timing moved the clock because no task could run: this step follows them all.
    barrier_ = false;
    for (const TaskState& other : tasks_) {
      if (other.last >= 0 && other.last != ts.last) s.edges.push_back(static_cast<std::uint32_t>(other.last));
    }
  }
}

void DporTrace::touch(ObjectId o, Use use) {
  TraceStep& s = steps_[count_ - 1];
  s.touches.emplace_back(o, use);
  s.sig.uses.push_back(KeyUse{names_.object(o), changes(use)});
}

void DporTrace::event(const Event& e, const Execution& exec) {
  const TaskId t = e.task;
  const std::uint32_t stamp = exec.steps();
  if (exec.now() != now_) {
    now_ = exec.now();
    barrier_ = exec.strict_timing();
  }
  // A new step when another task ran in between, or this one announced an operation since.
  if (t != last_task_ || stamp != last_stamp_ || count_ == settled_) {
    open_step(t, stamp);
    steps_[count_ - 1].parked = exec.parked_before_step();
  }
  last_task_ = t;
  last_stamp_ = stamp;
  if (e.op.kind == OpKind::Finish) task(t).finished = true;
  touch_op(e, t, static_cast<std::int32_t>(count_ - 1));
}

// What the memory model adds to an atomic operation's step: the stores it made (or none did:
// the value an atomic had before the execution), and whether its load was free
// (MemoryModel::last_read_free), and then the step it read from. Every front end publishes its
// model operations as atomic loads, stores and updates.
void DporTrace::model_step(const Event& e, const MemoryModel& m) {
  const auto here = static_cast<std::int32_t>(count_ - 1);
  for (std::size_t id = store_steps_.size(); id < m.store_count(); ++id) {
    store_steps_.push_back(m.store(static_cast<std::uint32_t>(id)).task == no_task ? -1 : here);
  }
  if (e.op.kind != OpKind::AtomicLoad) return;
  TraceStep& s = steps_[count_ - 1];
  const bool free = m.last_read_free();  // a step with more accesses is not free (free_read_of)
  s.free_load = free ? e.op.object : no_object;
  free_loads_ = free_loads_ || free;
  s.read_from = free ? store_steps_[m.last_read_id()] : -1;
}

// What an operation does to objects and to the order of steps, for the step being recorded.
void DporTrace::touch_op(const Event& e, TaskId t, std::int32_t here) {
  TraceStep& s = steps_[count_ - 1];
  if (s.sig.kind == OpKind::Start) {
    s.sig.kind = e.op.kind;
    s.sig.key = e.op.object == no_object ? no_key : names_.object(e.op.object);
  }
  const ObjectId o = e.op.object;
  switch (traits(e.op.kind).role) {
    case OpRole::Spawn:
      names_.spawned(t, e.peer);
      task(e.peer).spawned_in = here;
      break;
    case OpRole::Read:
    case OpRole::Write: touch(o, *own_use(e.op.kind, e.flag)); break;
    case OpRole::AtomicLoad:
    case OpRole::AtomicStore:
    case OpRole::AtomicRmw:
      touch(o, *own_use(e.op.kind, e.flag));
      if (memory_ != nullptr) model_step(e, *memory_);
      break;
    case OpRole::Lock:
    case OpRole::TryLock:
      touch(o, *own_use(e.op.kind, e.flag));
      if (traits(e.op.kind).role == OpRole::Lock || e.flag) task(t).held.push_back(o);
      break;
    case OpRole::Unlock:
      touch(o, *own_use(e.op.kind, e.flag));
      std::erase(task(t).held, o);
      break;
    case OpRole::Wait: wait(e, t); break;
    case OpRole::Wake: wake(e, t, s); break;
    case OpRole::Sleep: touch(clock_object, Use::Write); break;
    case OpRole::Print:
      if (o != no_object) touch(o, Use::Write);  // one output stream: prints are ordered
      break;
    case OpRole::Notify: notify(e, here); break;
    case OpRole::NotifyAll: notify_all(e, here); break;
    case OpRole::Join:
      if (e.peer != no_task && task(e.peer).last >= 0) s.edges.push_back(static_cast<std::uint32_t>(task(e.peer).last));
      break;
    case OpRole::Yield:
    case OpRole::Finish: break;  // no object, no order beyond program order
    // Any other operation on an object is a primitive without rules here: it conflicts with
    // everything on that object.
    case OpRole::Start:
    case OpRole::Sync:
      if (o != no_object) touch(o, Use::Other);
      break;
  }
}

// A wait releases the mutex it was given. The event does not name it: it is the one mutex the
// task holds; if it holds several, all are taken as released (more conflicts).
void DporTrace::wait(const Event& e, TaskId t) {
  const ObjectId o = e.op.object;
  touch(o, Use::Write);
  std::vector<ObjectId>& held = task(t).held;
  for (ObjectId m : held) touch(m, Use::Release);
  if (held.size() == 1) held.clear();
  if (!e.flag) {
    waiting_[index(o)].push_back(t);
    task(t).waiting = true;
  }
}

void DporTrace::wake(const Event& e, TaskId t, TraceStep& s) {
  if (e.flag) return;  // spurious: nobody woke it
  const ObjectId o = e.op.object;
  if (task(t).timed || e.peer == no_task) {
    // A wait with a timeout: woken by a notify or by the clock, whichever came first.
    touch(o, Use::Write);
    touch(clock_object, Use::Write);
  } else if (task(t).woken_in >= 0) {
    s.edges.push_back(static_cast<std::uint32_t>(task(t).woken_in));
  }
  task(t).timed = false;
  task(t).waiting = false;
  std::erase(waiting_[index(o)], t);  // timed out: no longer among the waiters
}

void DporTrace::notify(const Event& e, std::int32_t here) {
  const ObjectId o = e.op.object;
  touch(o, Use::Write);
  if (e.peer == no_task) return;
  task(e.peer).woken_in = here;
  task(e.peer).waiting = false;
  std::erase(waiting_[index(o)], e.peer);
}

void DporTrace::notify_all(const Event& e, std::int32_t here) {
  const ObjectId o = e.op.object;
  touch(o, Use::Write);
  for (TaskId w : waiting_[index(o)]) {
    task(w).woken_in = here;
    task(w).waiting = false;
  }
  waiting_[index(o)].clear();
}

// --- clocks and races ---

namespace {
void join(std::vector<std::uint32_t>& into, const std::vector<std::uint32_t>& from) {
  if (into.size() < from.size()) into.resize(from.size(), 0);
  for (std::size_t i = 0; i < from.size(); ++i) into[i] = std::max(into[i], from[i]);
}
}  // namespace

void DporTrace::settle(std::vector<Race>& races) {
  for (std::size_t s = settled_; s < count_; ++s) settle_one(static_cast<std::uint32_t>(s), races, Settle::Record);
  settled_ = count_;
}

void DporTrace::unfinished(const Execution& exec, std::vector<Race>& races) {
  for (std::uint32_t i = 0; i < exec.task_count(); ++i) {
    const TaskId t{i};
    const Op& op = exec.pending(t);
    if (task(t).finished || unstarted(op)) continue;  // done, or never started
    // A wait for a notify or a join races with nothing itself (the wait before it does).
    if (op.kind == OpKind::Wake || op.kind == OpKind::Join) continue;
    TaskState& ts = task(t);
    TraceStep& v = add_step();
    v.task = t;
    v.probe = true;
    v.nth = ts.steps + 1;
    v.prev = ts.last >= 0 ? ts.last : ts.spawned_in;
    v.sig.task = names_.task(t);
    Event e;
    e.task = t;
    e.op = op;
    e.flag = op.kind == OpKind::TryLock;  // as if it succeeded: a change of the mutex
    touch_op(e, t, static_cast<std::int32_t>(count_ - 1));
    settle_one(static_cast<std::uint32_t>(count_ - 1), races, Settle::Probe);
  }
}

bool DporTrace::seen_before(const TraceStep& c) const {
  return index(c.task) < before_.size() && before_[index(c.task)] >= c.nth;
}

// What step `s` does to object `o`: the steps it depends on (deps_), those it may race with
// (candidates_), and, on an object without rules, every unordered step as a race at once.
void DporTrace::settle_use(std::uint32_t s, ObjectId o, Use use, std::vector<Race>& races, Settle mode) {
  const TraceStep& st = steps_[s];
  auto dep = [&](std::int64_t d) {
    if (d >= 0 && d != s) deps_.push_back(static_cast<std::uint32_t>(d));
  };
  auto candidate = [&](std::int64_t d) {
    if (d >= 0 && d != s) candidates_.push_back(static_cast<std::uint32_t>(d));
  };
  ObjectState probe;
  ObjectState& os = mode == Settle::Probe ? (probe = state(o)) : state(o);
  dep(st.free_read_of(o) ? st.read_from : os.last_write);
  if (use == Use::Other) os.coarse = true;
  if (os.coarse) {
    for (std::uint32_t h : os.history) {
      if (h != s && steps_[h].task != st.task && !seen_before(steps_[h])) races.push_back(Race{h, s, true});
    }
  }
  if (mode == Settle::Record && (os.history.empty() || os.history.back() != s)) os.history.push_back(s);
  if (use == Use::Read || use == Use::TryFail) {
    if (!os.coarse) candidate(os.last_write);
    os.reads.push_back(s);
    return;
  }
  for (std::uint32_t r : os.reads) dep(r);
  if (os.coarse) {
    // Ordered, but handled by branching: see Use::Other.
  } else if (use == Use::Acquire) {
    candidate(os.last_acquire);  // not the unlock in between: a lock cannot overtake it
  } else if (use == Use::Release) {
    for (std::uint32_t r : os.reads) candidate(r);  // failed try_locks that would succeed
  } else if (!os.reads.empty()) {
    for (std::uint32_t r : os.reads) candidate(r);
    // A free load that read a store other than the last write's does not depend on it: the
    // last write is not ordered before this one through that load.
    const bool past_free = free_loads_ && std::any_of(os.reads.begin(), os.reads.end(), [&](std::uint32_t r) {
      return steps_[r].free_read_of(o) && steps_[r].read_from != os.last_write;
    });
    if (past_free) candidate(os.last_write);
  } else {
    candidate(os.last_write);
  }
  os.last_write = s;
  os.reads.clear();
  if (use == Use::Acquire || use == Use::TryAcquire) os.last_acquire = s;
}

void DporTrace::settle_one(std::uint32_t s, std::vector<Race>& races, Settle mode) {
  TraceStep& st = steps_[s];
  // What the task had seen before this step: a race needs the earlier step outside it.
  // (The vectors are members, reused: this runs once per step of every execution.)
  std::vector<std::uint32_t>& clock = st.clock;
  if (st.prev >= 0) {
    clock = steps_[st.prev].clock;
  } else {
    clock.clear();
  }
  before_ = clock;
  deps_.clear();
  candidates_.clear();
  for (auto [o, use] : st.touches) settle_use(s, o, use, races, mode);
  for (std::uint32_t e : st.edges) join(clock, steps_[e].clock);
  for (std::uint32_t d : deps_) join(clock, steps_[d].clock);
  if (clock.size() <= index(st.task)) clock.resize(index(st.task) + 1, 0);
  clock[index(st.task)] = st.nth;

  std::vector<std::uint32_t>& candidates = candidates_;
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  std::erase_if(candidates, [&](std::uint32_t c) { return steps_[c].task == st.task || seen_before(steps_[c]); });
  for (std::uint32_t c : candidates) {
    // Only the races nothing else stands between: c must not happen before another candidate.
    const bool covered = std::any_of(candidates.begin(), candidates.end(), [&](std::uint32_t d) {
      return d != c && steps_[d].after(steps_[c]);
    });
    if (!covered) races.push_back(Race{c, s, false, st.free_read_of(st.free_load)});
  }
}

std::vector<std::uint32_t> DporTrace::reversal(std::uint32_t e, std::uint32_t later) const {
  std::vector<std::uint32_t> v;
  for (std::uint32_t x = e + 1; x < later; ++x) {
    if (!steps_[x].probe && !steps_[x].after(steps_[e])) v.push_back(x);
  }
  v.push_back(later);
  return v;
}

}  // namespace sim
