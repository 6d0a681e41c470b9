// MemoryModel: stores in modification order, observations by epoch, messages along reads-from.
#include "sim/core/memory_model.hpp"

#include <algorithm>

#include "sim/core/execution.hpp"
#include "sim/core/happens_before.hpp"

namespace sim {

void MemoryModel::begin(HappensBefore& hb) {
  hb_ = &hb;
  ++stamp_;  // every location and task state is stale until used again
  stores_.clear();
  messages_used_ = 0;
  fenced_ = false;
  wore_ = false;
}

MemoryModel::TaskState& MemoryModel::task_state(TaskId t) {
  if (index(t) >= tasks_.size()) tasks_.resize(index(t) + 1);
  TaskState& ts = tasks_[index(t)];
  if (ts.stamp != stamp_) {
    ts.stamp = stamp_;
    ts.pending.clear();
    ts.fence_release.clear();
    ts.released = false;
  }
  return ts;
}

void MemoryModel::start(ObjectId x, std::uint64_t initial) {
  if (index(x) >= locations_.size()) locations_.resize(index(x) + 1);
  Cell& l = locations_[index(x)];
  hb_->hand_over(x);  // its synchronisation is made here, by what each load reads
  l.stamp = stamp_;
  l.mo.clear();
  l.fence_frontier = none;
  for (std::vector<Seen>& s : l.seen) s.clear();
  l.noted.clear();
  l.rereads.clear();
  // The value before this execution's first use: made before anything the execution does.
  Store& s = stores_.emplace_back();
  s.value = initial;
  l.mo.push_back(static_cast<std::uint32_t>(stores_.size() - 1));
  // Counted as seq_cst (it happens before everything, so no load is held back by it): while
  // every store is seq_cst, a seq_cst operation finds its one choice without a search.
  l.last_seq_cst = l.mo.back();
}

std::uint32_t MemoryModel::floor(TaskId t, Cell& l, MemoryOrder order) {
  if (one_choice(l, order)) return static_cast<std::uint32_t>(l.mo.size() - 1);
  settle(l);
  const VectorClock& now = hb_->clock(t);
  std::uint32_t lowest = 0;
  for (std::size_t u = 0; u < l.seen.size(); ++u) {
    const std::vector<Seen>& seen = l.seen[u];
    const std::uint32_t known = now.get(static_cast<std::uint32_t>(u));
    for (std::size_t i = seen.size(); i-- > 0;) {
      if (seen[i].epoch <= known) {
        lowest = std::max(lowest, stores_[seen[i].store].position);
        break;
      }
    }
  }
  if (order == MemoryOrder::SeqCst && l.last_seq_cst != none) lowest = std::max(lowest, stores_[l.last_seq_cst].position);
  return lowest;
}

void MemoryModel::note(TaskId t, Cell& l, std::uint32_t store) {
  l.noted.push_back(Noted{t, Seen{hb_->clock(t).get(index(t)), store}});
}

// Noted observations were made in execution order, so sorting them in later gives what sorting
// each in at once would have: a store goes earlier in mo only in an operation that settles first.
void MemoryModel::settle(Cell& l) {
  for (const Noted& n : l.noted) observe(n.task, l, n.seen);
  l.noted.clear();
}

void MemoryModel::observe(TaskId t, Cell& l, Seen now) {
  if (index(t) >= l.seen.size()) l.seen.resize(index(t) + 1);
  std::vector<Seen>& seen = l.seen[index(t)];
  if (!seen.empty()) {
    if (stores_[seen.back().store].position >= stores_[now.store].position) return;  // nothing new
    if (seen.back().epoch == now.epoch) {
      seen.back().store = now.store;
      return;
    }
  }
  seen.push_back(now);
}

void MemoryModel::read_from(TaskId t, const Store& s, MemoryOrder order) {
  if (s.message == none) return;
  if (acquires(order)) {
    hb_->join(t, messages_[s.message]);
  } else {
    task_state(t).pending.join(messages_[s.message]);  // for a later acquire fence
  }
}

std::uint32_t MemoryModel::choose(Execution& e, std::size_t n) {
  return n <= 1 ? 0 : e.choose_value(static_cast<std::uint32_t>(n));
}

void MemoryModel::place(Cell& l, std::uint32_t store, std::uint32_t position) {
  if (position == l.mo.size()) {  // the usual case: at the end
    l.mo.push_back(store);
    stores_[store].position = position;
    return;
  }
  l.mo.insert(l.mo.begin() + position, store);
  for (std::size_t p = position; p < l.mo.size(); ++p) stores_[l.mo[p]].position = static_cast<std::uint32_t>(p);
}

std::uint32_t MemoryModel::new_message() {
  if (messages_used_ == messages_.size()) messages_.emplace_back();
  return static_cast<std::uint32_t>(messages_used_++);
}

// Makes the store at `position`, observed by its task, with its message (noted first: a release
// moves the task's clock on, and the store is observed at the epoch before).
void MemoryModel::write(TaskId t, Cell& l, std::uint32_t position, std::uint64_t value, MemoryOrder order,
                        Location where, std::uint32_t passed_on) {
  const auto id = static_cast<std::uint32_t>(stores_.size());
  Store& s = stores_.emplace_back();
  s.value = value;
  s.task = t;
  s.where = where;
  place(l, id, position);
  note(t, l, id);
  if (order == MemoryOrder::SeqCst) l.last_seq_cst = id;
  stores_[id].message = message_of(t, order, passed_on);
}

// What an acquire reading the store takes in: the task's clock (a release), its clock at its last
// release fence, and whatever the store it read carried (a read-modify-write).
std::uint32_t MemoryModel::message_of(TaskId t, MemoryOrder order, std::uint32_t passed_on) {
  std::uint32_t m = none;
  if (releases(order)) {
    m = new_message();
    hb_->release_into(t, messages_[m]);
  } else if (const TaskState& ts = task_state(t); ts.released) {
    m = new_message();
    messages_[m].assign(ts.fence_release);
  }
  // An acquiring release already took the message in: its clock covers it.
  if (passed_on == none || (acquires(order) && releases(order))) return m;
  if (m == none) {
    m = new_message();
    messages_[m].assign(messages_[passed_on]);
  } else {
    messages_[m].join(messages_[passed_on]);
  }
  return m;
}

std::uint32_t MemoryModel::worn_out(TaskId t, const Cell& l) {
  if (index(t) >= l.rereads.size()) return none;
  const Reread& r = l.rereads[index(t)];
  if (r.stale < stale_rereads) return none;
  wore_ = true;
  return r.store;
}

void MemoryModel::count_read(TaskId t, Cell& l, std::uint32_t store) {
  if (stores_[store].position + 1 == l.mo.size()) {  // the latest: a stale run ends
    if (index(t) < l.rereads.size()) l.rereads[index(t)].stale = 0;
    return;
  }
  if (index(t) >= l.rereads.size()) l.rereads.resize(index(t) + 1);
  Reread& r = l.rereads[index(t)];
  r.stale = r.store == store ? r.stale + 1 : 1;
  r.store = store;
}

std::uint64_t MemoryModel::finish_read(TaskId t, Cell& l, std::uint32_t store, MemoryOrder order) {
  last_read_ = store;
  last_free_ = false;
  last_stale_ = store != l.mo.back();
  count_read(t, l, store);
  read_from(t, stores_[store], order);
  note(t, l, store);
  return stores_[store].value;
}

// finish_read() of the latest store by a seq_cst operation.
std::uint64_t MemoryModel::read_latest(TaskId t, Cell& l) {
  const std::uint32_t read = l.mo.back();
  last_read_ = read;
  last_stale_ = false;
  last_free_ = false;
  if (index(t) < l.rereads.size()) l.rereads[index(t)].stale = 0;  // a stale run ends
  const Store& s = stores_[read];
  if (s.message != none) hb_->join(t, messages_[s.message]);
  note(t, l, read);
  return s.value;
}

std::uint64_t MemoryModel::load(Execution& e, ObjectId x, MemoryOrder order) {
  Cell& l = location(x);
  const TaskId t = e.current_task();
  if (one_choice(l, order)) return read_latest(t, l);
  const std::uint32_t lowest = floor(t, l, order);
  const std::uint32_t skip = worn_out(t, l);
  positions_.clear();
  for (std::size_t p = l.mo.size(); p-- > lowest;) {
    if (l.mo[p] != skip || p + 1 == l.mo.size()) positions_.push_back(static_cast<std::uint32_t>(p));
  }
  const bool first = index(t) >= l.seen.size() || l.seen[index(t)].empty();  // floor() settled `seen`
  const bool free = first && order != MemoryOrder::SeqCst && !fenced_ && l.last_seq_cst == l.mo.front() &&
                    positions_.size() == l.mo.size() - lowest;
  const std::uint64_t value = finish_read(t, l, l.mo[positions_[choose(e, positions_.size())]], order);  // choice 0: the latest
  last_free_ = free;
  return value;
}

void MemoryModel::store(Execution& e, ObjectId x, std::uint64_t value, MemoryOrder order, Location where) {
  Cell& l = location(x);
  const TaskId t = e.current_task();
  const std::uint32_t lowest = floor(t, l, order);
  // Where in mo, latest first: anywhere after `lowest`, but not between a read-modify-write and
  // the store it read.
  const auto end = static_cast<std::uint32_t>(l.mo.size());
  std::uint32_t position = end;
  if (lowest + 1 < end) {
    positions_.clear();
    positions_.push_back(end);
    for (std::uint32_t p = end - 1; p > lowest; --p) {
      if (!stores_[l.mo[p - 1]].taken) positions_.push_back(p);
    }
    position = positions_[choose(e, positions_.size())];
  }
  write(t, l, position, value, order, where, none);
}

// What a read-modify-write with a choice may read, latest first: a store no other
// read-modify-write read, or, for a compare-exchange, any store it would fail on.
MemoryModel::Candidate MemoryModel::choose_update(Execution& e, TaskId t, Cell& l, MemoryOrder success,
                                                  MemoryOrder failure, Next next) {
  const std::uint32_t lowest = floor(t, l, success == MemoryOrder::SeqCst ? success : failure);
  const std::uint32_t skip = worn_out(t, l);
  candidates_.clear();
  for (std::size_t p = l.mo.size(); p-- > lowest;) {
    const Store& s = stores_[l.mo[p]];
    Candidate c{l.mo[p], next(s.value)};
    if (c.writes ? !s.taken : l.mo[p] != skip || p + 1 == l.mo.size()) candidates_.push_back(c);
  }
  return candidates_[choose(e, candidates_.size())];
}

std::uint64_t MemoryModel::update(Execution& e, ObjectId x, MemoryOrder success, MemoryOrder failure, Next next,
                                  Location where) {
  Cell& l = location(x);
  const TaskId t = e.current_task();
  if (one_choice(l, success) && failure == MemoryOrder::SeqCst) return update_latest(t, l, next, where);
  const Candidate c = choose_update(e, t, l, success, failure, next);
  if (!c.writes) return finish_read(t, l, c.store, failure);
  last_read_ = c.store;
  last_free_ = false;
  last_stale_ = c.store != l.mo.back();
  count_read(t, l, c.store);
  read_from(t, stores_[c.store], success);
  stores_[c.store].taken = true;
  write(t, l, stores_[c.store].position + 1, *c.writes, success, where, stores_[c.store].message);
  return stores_[c.store].value;
}

// update() when its one choice is the latest store, both orders seq_cst: what update and write
// do, with nothing to choose, no message passed on (an acquiring release has taken it in) and
// each store looked up once. Sequentially consistent code runs through here; it cost about twice
// as much through the general path.
std::uint64_t MemoryModel::update_latest(TaskId t, Cell& l, Next next, Location where) {
  const std::uint32_t read = l.mo.back();  // the latest store is never taken
  const std::uint64_t old = stores_[read].value;
  const std::optional<std::uint64_t> writes = next(old);
  if (!writes) return read_latest(t, l);
  last_read_ = read;
  last_stale_ = false;
  last_free_ = false;
  if (index(t) < l.rereads.size()) l.rereads[index(t)].stale = 0;
  Store& r = stores_[read];
  r.taken = true;
  if (r.message != none) hb_->join(t, messages_[r.message]);
  const auto id = static_cast<std::uint32_t>(stores_.size());
  const auto position = static_cast<std::uint32_t>(l.mo.size());
  l.mo.push_back(id);
  l.last_seq_cst = id;
  note(t, l, id);  // before the release moves the task's clock on
  const std::uint32_t message = new_message();
  hb_->release_into(t, messages_[message]);
  stores_.push_back(Store{*writes, t, message, position, false, where});
  return old;
}

void MemoryModel::fence(Execution& e, MemoryOrder order) {
  const TaskId t = e.current_task();
  TaskState& ts = task_state(t);
  if (acquires(order)) hb_->join(t, ts.pending);
  if (releases(order)) {
    hb_->release_into(t, ts.fence_release);
    ts.released = true;
  }
  if (order != MemoryOrder::SeqCst) return;
  fenced_ = true;
  // The seq_cst fences run in one order: each takes in what the ones before it had seen, and
  // hands on what its task has.
  for (Cell& l : locations_) {
    if (l.stamp != stamp_) continue;
    const std::uint32_t mine = l.mo[floor(t, l, MemoryOrder::Relaxed)];
    if (l.fence_frontier == none || stores_[l.fence_frontier].position < stores_[mine].position) l.fence_frontier = mine;
    note(t, l, l.fence_frontier);
  }
}

void tell_stale(const Execution& e, const MemoryModel::Store& read, std::string_view value,
                const MemoryModel::Store& latest, std::string_view latest_value, std::string& out) {
  out += value;
  out += " (";
  if (read.task == no_task) {
    out += "the initial value";
  } else {
    out += e.task_name(read.task) + "'s store at " + to_string(read.where);
  }
  out += ", although " + e.task_name(latest.task) + " had stored ";
  out += latest_value;
  out += " at " + to_string(latest.where) + ")";
}

}  // namespace sim
