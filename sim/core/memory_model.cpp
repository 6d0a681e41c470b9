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
  l.rereads.clear();
  // The value before this execution's first use: made before anything the execution does.
  Store& s = stores_.emplace_back();
  s.value = initial;
  l.mo.push_back(static_cast<std::uint32_t>(stores_.size() - 1));
  // Counted as seq_cst (it happens before everything, so no load is held back by it): while
  // every store is seq_cst, a seq_cst operation finds its one choice without a search.
  l.last_seq_cst = l.mo.back();
}

std::uint32_t MemoryModel::floor(TaskId t, const Cell& l, MemoryOrder order) const {
  // The last store is seq_cst: a seq_cst operation may only read it or go after it.
  if (order == MemoryOrder::SeqCst && l.last_seq_cst == l.mo.back()) return static_cast<std::uint32_t>(l.mo.size() - 1);
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

void MemoryModel::observe(TaskId t, Cell& l, std::uint32_t store) {
  if (index(t) >= l.seen.size()) l.seen.resize(index(t) + 1);
  std::vector<Seen>& seen = l.seen[index(t)];
  const std::uint32_t epoch = hb_->clock(t).get(index(t));
  if (!seen.empty()) {
    if (stores_[seen.back().store].position >= stores_[store].position) return;  // nothing new
    if (seen.back().epoch == epoch) {
      seen.back().store = store;
      return;
    }
  }
  seen.push_back(Seen{epoch, store});
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
  messages_[messages_used_].clear();
  return static_cast<std::uint32_t>(messages_used_++);
}

// Makes the store at `position`, observed by its task; then its message, if it carries one
// (a release moves the task's clock on, so the store is observed at the epoch before).
void MemoryModel::write(TaskId t, Cell& l, std::uint32_t position, std::uint64_t value, MemoryOrder order,
                        Location where, std::uint32_t passed_on) {
  const auto id = static_cast<std::uint32_t>(stores_.size());
  Store& s = stores_.emplace_back();
  s.value = value;
  s.task = t;
  s.where = where;
  place(l, id, position);
  observe(t, l, id);
  if (order == MemoryOrder::SeqCst) l.last_seq_cst = id;
  std::uint32_t m = none;
  if (releases(order)) {
    m = new_message();
    hb_->release_into(t, messages_[m]);
  } else if (const TaskState& ts = task_state(t); ts.released) {
    m = new_message();
    messages_[m].assign(ts.fence_release);
  }
  if (passed_on != none) {
    if (m == none) m = new_message();
    messages_[m].join(messages_[passed_on]);
  }
  stores_[id].message = m;
}

std::uint32_t MemoryModel::worn_out(TaskId t, const Cell& l) const {
  if (index(t) >= l.rereads.size()) return none;
  const Reread& r = l.rereads[index(t)];
  return r.stale >= stale_rereads ? r.store : none;
}

void MemoryModel::count_read(TaskId t, Cell& l, std::uint32_t store) {
  if (index(t) >= l.rereads.size()) l.rereads.resize(index(t) + 1);
  Reread& r = l.rereads[index(t)];
  const bool stale = stores_[store].position + 1 != l.mo.size();
  r.stale = !stale ? 0 : r.store == store ? r.stale + 1 : 1;
  r.store = store;
}

std::uint64_t MemoryModel::load(Execution& e, ObjectId x, MemoryOrder order) {
  Cell& l = location(x);
  const TaskId t = e.current_task();
  std::uint32_t s = l.mo.back();  // the latest: the one choice of a seq_cst load after a seq_cst store
  if (order != MemoryOrder::SeqCst || l.last_seq_cst != l.mo.back()) {
    const std::uint32_t lowest = floor(t, l, order);
    const std::uint32_t skip = worn_out(t, l);
    positions_.clear();
    for (std::size_t p = l.mo.size(); p-- > lowest;) {
      if (l.mo[p] != skip || p + 1 == l.mo.size()) positions_.push_back(static_cast<std::uint32_t>(p));
    }
    s = l.mo[positions_[choose(e, positions_.size())]];  // choice 0: the latest
  }
  last_read_ = s;
  last_stale_ = s != l.mo.back();
  count_read(t, l, s);
  read_from(t, stores_[s], order);
  observe(t, l, s);
  return stores_[s].value;
}

void MemoryModel::store(Execution& e, ObjectId x, std::uint64_t value, MemoryOrder order, Location where) {
  Cell& l = location(x);
  const TaskId t = e.current_task();
  const std::uint32_t lowest = floor(t, l, order);
  // Where in mo, latest first: anywhere after `lowest`, but not between a read-modify-write and
  // the store it read.
  const auto end = static_cast<std::uint32_t>(l.mo.size());
  positions_.clear();
  positions_.push_back(end);
  for (std::uint32_t p = end - 1; p > lowest; --p) {
    if (!stores_[l.mo[p - 1]].taken) positions_.push_back(p);
  }
  const std::uint32_t position = positions_[choose(e, positions_.size())];
  write(t, l, position, value, order, where, none);
}

std::uint64_t MemoryModel::update(Execution& e, ObjectId x, MemoryOrder success, MemoryOrder failure, Next next,
                                  Location where) {
  Cell& l = location(x);
  const TaskId t = e.current_task();
  Candidate c{l.mo.back(), false};
  if (success == MemoryOrder::SeqCst && l.last_seq_cst == l.mo.back()) {
    c.writes = next(stores_[c.store].value).has_value();  // the one choice: the latest is never taken
  } else {
    // What it may read, latest first: a store no other read-modify-write read, or, for a
    // compare-exchange, any store it would fail on.
    const std::uint32_t lowest = floor(t, l, success == MemoryOrder::SeqCst ? success : failure);
    const std::uint32_t skip = worn_out(t, l);
    candidates_.clear();
    for (std::size_t p = l.mo.size(); p-- > lowest;) {
      const Store& s = stores_[l.mo[p]];
      const bool writes = next(s.value).has_value();
      if (writes ? !s.taken : l.mo[p] != skip || p + 1 == l.mo.size()) candidates_.push_back(Candidate{l.mo[p], writes});
    }
    c = candidates_[choose(e, candidates_.size())];
  }
  last_read_ = c.store;
  last_stale_ = stores_[c.store].position + 1 != l.mo.size();
  const std::uint64_t old = stores_[c.store].value;
  count_read(t, l, c.store);
  if (!c.writes) {
    read_from(t, stores_[c.store], failure);
    observe(t, l, c.store);
    return old;
  }
  read_from(t, stores_[c.store], success);
  stores_[c.store].taken = true;
  write(t, l, stores_[c.store].position + 1, *next(old), success, where, stores_[c.store].message);
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
  // The seq_cst fences run in one order: each takes in what the ones before it had seen, and
  // hands on what its task has.
  for (Cell& l : locations_) {
    if (l.stamp != stamp_) continue;
    const std::uint32_t mine = l.mo[floor(t, l, MemoryOrder::Relaxed)];
    if (l.fence_frontier == none || stores_[l.fence_frontier].position < stores_[mine].position) l.fence_frontier = mine;
    observe(t, l, l.fence_frontier);
  }
}

}  // namespace sim
