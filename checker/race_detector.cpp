// RaceDetector: clocks moved along synchronisation edges, FastTrack checks on each access.
#include "checker/race_detector.hpp"

#include <fmt/format.h>

#include "sim/core/execution.hpp"
#include "sim/core/op_traits.hpp"

namespace checker {

using sim::ObjectId;
using sim::OpKind;
using sim::TaskId;

void RaceDetector::on_begin(const sim::Execution& exec) {
  hb_ = &exec.happens_before();
  variables_used_ = 0;
  read_sets_used_ = 0;
  races_.clear();
}

void RaceDetector::new_variable(std::uint32_t i) {
  // Object ids are handed out in order: every id below this one was seen (or is reset here).
  if (i >= variables_.size()) variables_.resize(i + 1);
  for (std::size_t j = variables_used_; j <= i; ++j) {
    // Only what says "nothing yet": an access's other fields are read only when its epoch's
    // clock is not 0, so resetting the whole Variable (about a hundred bytes) is wasted work.
    Variable& v = variables_[j];
    v.write.at.clock = 0;
    v.read.at.clock = 0;
    v.readers = none;
  }
  variables_used_ = i + 1;
}

void RaceDetector::on_event(const sim::Execution&, const sim::Event& e) {
  // Synchronisation has moved the clocks already (the execution's HappensBefore): only the
  // plain accesses are judged here.
  switch (sim::traits(e.op.kind).role) {
    case sim::OpRole::Read: read(e); break;
    case sim::OpRole::Write: write(e); break;
    default: break;
  }
}

void RaceDetector::record(Access& into, const sim::Event& e, const Clock& t) const {
  // Field by field into place: building a temporary and copying it stalls on store forwarding.
  const std::uint32_t ti = sim::index(e.task);
  into.at = t.epoch(ti);
  into.step = sim::index(e.step);
  into.held = hb_->innermost_held(e.task);
  into.kind = e.op.kind;
  into.where = e.op.where;
}

// read and write keep only the common path inline: every rare case (an object's first access,
// shared-read mode, a race, concurrent reads) is a tail call, so nothing stays live across a
// call and the common path saves no registers.
void RaceDetector::read(const sim::Event& e) {
  const std::uint32_t ti = sim::index(e.task);
  const std::uint32_t oi = sim::index(e.op.object);
  if (oi >= variables_used_) [[unlikely]] return first_access(e);
  const Clock& t = hb_->clock(e.task);
  Variable& v = variables_[oi];
  if (v.readers != none) [[unlikely]] return read_shared(v, e, t);
  // Same epoch as this task's last read: nothing new to check or record.
  if (v.read.at == t.epoch(ti)) return;
  // Reads still totally ordered: one epoch is enough.
  if (!unordered(v.write, ti, t) && !unordered(v.read, ti, t)) [[likely]] return record(v.read, e, t);
  read_slow(v, e, t);
}

bool RaceDetector::unchanged_by(const sim::Execution& exec, sim::TaskId task, sim::ObjectId object, sim::OpKind kind) const {
  const sim::OpRole role = sim::traits(kind).role;
  if (role != sim::OpRole::Read && role != sim::OpRole::Write) return Checker::unchanged_by(exec, task, object, kind);
  const std::uint32_t ti = sim::index(task);
  const std::uint32_t oi = sim::index(object);
  if (oi >= variables_used_ || hb_ == nullptr || !hb_->started(task)) return false;
  const sim::Epoch now = hb_->clock(task).epoch(ti);
  const Variable& v = variables_[oi];
  if (role == sim::OpRole::Write) return v.write.at == now;
  if (v.readers == none) return v.read.at == now;
  const std::vector<Access>& set = read_sets_[v.readers];
  return ti < set.size() && set[ti].at == now;
}

void RaceDetector::read_slow(Variable& v, const sim::Event& e, const Clock& t) {
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

void RaceDetector::read_shared(Variable& v, const sim::Event& e, const Clock& t) {
  const std::uint32_t ti = sim::index(e.task);
  std::vector<Access>& set = read_sets_[v.readers];
  if (ti < set.size() && set[ti].at == t.epoch(ti)) return;  // read already in this epoch
  if (unordered(v.write, ti, t)) race(v.write, e, t);
  if (ti >= set.size()) set.resize(ti + 1);
  record(set[ti], e, t);
}

void RaceDetector::write(const sim::Event& e) {
  const std::uint32_t ti = sim::index(e.task);
  const std::uint32_t oi = sim::index(e.op.object);
  if (oi >= variables_used_) [[unlikely]] return first_access(e);
  const Clock& t = hb_->clock(e.task);
  Variable& v = variables_[oi];
  // Same epoch as this task's last write: any access in between raced with that write already.
  if (v.write.at == t.epoch(ti)) return;
  if (v.readers == none && !unordered(v.write, ti, t) && !unordered(v.read, ti, t)) [[likely]] {
    return record(v.write, e, t);
  }
  write_slow(v, e, t);
}

void RaceDetector::write_slow(Variable& v, const sim::Event& e, const Clock& t) {
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
  new_variable(sim::index(e.op.object));
  if (e.op.kind == OpKind::Read) return read(e);
  write(e);
}

void RaceDetector::race(const Access& earlier, const sim::Event& e, const Clock& t) {
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
