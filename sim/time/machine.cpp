// Machine: cores handed out first come, first served, one quantum at a time; a GIL per process.
#include "sim/time/machine.hpp"

#include <algorithm>

namespace sim {

std::string_view to_string(SegmentKind kind) {
  switch (kind) {
    case SegmentKind::Run: return "run";
    case SegmentKind::WaitCore: return "wait for a core";
    case SegmentKind::WaitGil: return "wait for the GIL";
    case SegmentKind::Sleep: return "sleep";
  }
  return "?";
}

Machine::Machine(MachineModel model) : model_(model) {
  if (model_.cores == 0) model_.cores = 1;
  if (model_.quantum.count() <= 0) model_.quantum = std::chrono::milliseconds(10);
  on_core_.assign(model_.cores, no_task);
}

void Machine::bind(Execution& e) {
  if (epoch_ == e.epoch()) return;
  epoch_ = e.epoch();
  cores_id_ = e.add_object(ObjectKind::Semaphore, cores_name_, Location{});
  gil_id_ = e.add_object(ObjectKind::Mutex, gil_name_, Location{});
  std::fill(on_core_.begin(), on_core_.end(), no_task);
  core_queue_ = {};
  for (Gil& g : gils_) g = Gil{};
  segments_.clear();
}

void Machine::set_process(TaskId t, std::uint32_t process) {
  const std::uint32_t i = index(t);
  if (process_.size() <= i) process_.resize(i + 1, 0);
  process_[i] = process;
  processes_ = std::max(processes_, process + 1);
}

std::uint32_t Machine::process_of(TaskId t) const {
  const std::uint32_t i = index(t);
  return i < process_.size() ? process_[i] : 0;
}

Machine::Gil& Machine::gil(std::uint32_t process) {
  if (gils_.size() <= process) gils_.resize(process + 1);
  return gils_[process];
}

void Machine::add(SegmentKind kind, TaskId task, std::uint32_t core, Nanos start, Nanos end) {
  if (end > start) segments_.push_back(Segment{kind, task, core, start, end});
}

void Machine::compute(Execution& e, Duration d, Location where) {
  bind(e);
  const TaskId me = e.current_task();
  const std::uint32_t process = process_of(me);
  const bool with_gil = model_.gil == MachineModel::Gil::PerProcess;
  Nanos left = d.count() > 0 ? d.count() : 0;
  while (left > 0) {
    if (with_gil) take_gil(e, me, process, where);
    const std::uint32_t core = take_core(e, me, where);
    const Nanos slice = std::min<Nanos>(left, model_.quantum.count());
    const Nanos start = e.now();
    // The slice is a timed wait on strict virtual time: it ends exactly `slice` later.
    e.set_deadline(me, start + slice);
    e.schedule(OpKind::Sleep, cores_id_, where);
    e.clear_deadline(me);
    e.take_timed_out(me);
    add(SegmentKind::Run, me, core, start, e.now());
    left -= slice;
    give_core(e, core);
    if (with_gil) give_gil(e, process);
  }
  e.publish(OpKind::Sleep, cores_id_, where);
}

void Machine::note_sleep(Execution& e, Nanos start) {
  bind(e);
  add(SegmentKind::Sleep, e.current_task(), 0, start, e.now());
}

std::uint32_t Machine::take_core(Execution& e, TaskId me, Location where) {
  if (core_queue_.head == no_task) {
    for (std::uint32_t c = 0; c < on_core_.size(); ++c) {
      if (on_core_[c] != no_task) continue;
      on_core_[c] = me;
      return c;
    }
  }
  const Nanos since = e.now();
  if (granted_.size() <= index(me)) granted_.resize(index(me) + 1, 0);
  e.enlist(core_queue_, me, Waiting{OpKind::Acquire, cores_id_, no_task, where});
  e.block(me);
  e.schedule(OpKind::Acquire, cores_id_, where);  // returns once give_core handed us one
  const std::uint32_t core = granted_[index(me)];
  add(SegmentKind::WaitCore, me, core, since, e.now());
  return core;
}

void Machine::give_core(Execution& e, std::uint32_t core) {
  on_core_[core] = no_task;
  const TaskId next = core_queue_.head;
  if (next == no_task) return;
  e.delist(core_queue_, next);
  on_core_[core] = next;
  granted_[index(next)] = core;
  e.unblock(next);
}

void Machine::take_gil(Execution& e, TaskId me, std::uint32_t process, Location where) {
  Gil& g = gil(process);
  if (g.holder == no_task) {
    g.holder = me;
    return;
  }
  const Nanos since = e.now();
  e.enlist(g.waiters, me, Waiting{OpKind::Lock, gil_id_, no_task, where});
  e.block(me);
  e.schedule(OpKind::Lock, gil_id_, where);  // returns once give_gil handed it to us
  add(SegmentKind::WaitGil, me, 0, since, e.now());
}

void Machine::give_gil(Execution& e, std::uint32_t process) {
  Gil& g = gil(process);
  g.holder = g.waiters.head;
  if (g.holder == no_task) return;
  e.delist(g.waiters, g.holder);
  e.unblock(g.holder);
}

void in_process(std::uint32_t p) {
  Machine* m = Machine::current();
  Execution* e = Execution::current();
  if (m != nullptr && e != nullptr) m->set_process(e->current_task(), p);
}

}  // namespace sim
