// Execution: the spin-loop rule (spin_log.hpp) - parking tasks that wait in a loop, waking them
// when what they read changes, and the Livelock finding when nothing can.
#include <algorithm>
#include <string>
#include <vector>

#include "sim/core/execution_task.hpp"
#include "sim/core/watched.hpp"

namespace sim {

void Execution::step_done(std::uint32_t me, OpKind kind, ObjectId object, Location where) {
  parked_before_ = parked_bits_;
  settle_spin(me, kind, object, where);
}

void Execution::note_access(OpKind kind, ObjectId object, Location where) {
  if (parks() && in_task()) settle_spin(index(current_task_), kind, object, where);
}

void Execution::settle_spin(std::uint32_t me, OpKind kind, ObjectId object, Location where) {
  switch (spin_role(kind)) {
    case SpinRole::Ignore: return;
    case SpinRole::Change: changed_by(me, object); return;
    case SpinRole::Read:
      spins_[me].add(SpinEntry{where.file, where.line, object, object == no_object ? 0 : versions_[index(object)], kind});
      return;
    case SpinRole::Position: spins_[me].add(SpinEntry{where.file, where.line, object, 0, kind}); return;
  }
}

void Execution::changed_by(std::uint32_t me, ObjectId object) {
  spins_[me].clear();
  quiet_rounds_ = 0;
  if (object != no_object) ++versions_[index(object)];
  if (parked_ != 0) [[unlikely]] wake_parked(object, true);
}

bool Execution::spin_waits(std::uint32_t me) {
  SpinLog& log = spins_[me];
  const Op& op = pending_[me];
  if (op.kind == OpKind::Yield) {
    log.watch_any = true;
    return states_[me] == TaskState::Runnable;
  }
  if (states_[me] != TaskState::Runnable) return false;  // it blocks on its own: no loop to see
  const SpinEntry now{op.where.file, op.where.line, op.object, 0, op.kind};
  const std::uint32_t n = log.count;
  // The latest earlier step at this place closes one stretch; the one before must match it.
  std::uint32_t j = n;
  while (j > 0 && !log.entries[j - 1].same_place(now)) --j;
  if (j == 0) return false;
  --j;
  const std::uint32_t len = n - j;
  if (j < len) return false;
  for (std::uint32_t k = 0; k < len; ++k) {
    if (!log.entries[j - len + k].same_place(log.entries[j + k])) return false;
  }
  for (std::uint32_t k = j - len; k < n; ++k) {
    const SpinEntry& e = log.entries[k];
    if (spin_role(e.kind) == SpinRole::Read && versions_[index(e.object)] != e.version) return false;
  }
  log.watch_any = false;
  log.watch_from = static_cast<std::uint8_t>(j - len);
  return true;
}

void Execution::spin_state(TaskId t, std::vector<std::uint64_t>& out) const {
  const SpinLog& log = spins_[index(t)];
  out.push_back(log.count | std::uint64_t{log.parked} << 8 | std::uint64_t{log.watch_any} << 9 | std::uint64_t{log.watch_from} << 16);
  for (std::uint32_t k = 0; k < log.count; ++k) {
    const SpinEntry& e = log.entries[k];
    // Object numbers differ between executions that bind objects in another order: an entry
    // names its object by the first entry of the log on the same object.
    std::uint32_t first = k;
    for (std::uint32_t j = 0; j < k; ++j) {
      if (log.entries[j].object == e.object) {
        first = j;
        break;
      }
    }
    const bool read = spin_role(e.kind) == SpinRole::Read;
    const bool changed = read && e.object != no_object && versions_[index(e.object)] != e.version;
    // The file by its text, not its address: a state's words (and a bitstate search's count)
    // must not change with where the program was loaded.
    out.push_back(hash_text(e.file != nullptr ? std::string_view(e.file) : std::string_view()));
    out.push_back(std::uint64_t{e.line} << 32 | std::uint64_t{first} << 16 | static_cast<std::uint64_t>(e.kind) << 1 | changed);
  }
}

namespace {
std::uint64_t bit_of(std::uint32_t i) { return i < 64 ? std::uint64_t{1} << i : ~std::uint64_t{0}; }
}  // namespace

void Execution::park(std::uint32_t me) {
  spins_[me].parked = true;
  ++parked_;
  parked_bits_ |= bit_of(me);
  set_state(TaskId{me}, TaskState::Blocked);
}

void Execution::unpark(std::uint32_t i) {
  spins_[i].parked = false;
  --parked_;
  if (i < 64) parked_bits_ &= ~bit_of(i);
  if (parked_ == 0) parked_bits_ = 0;  // a task above 63 set every bit
  set_state(TaskId{i}, TaskState::Runnable);
}

void Execution::wake_parked(ObjectId object, bool data) {
  for (std::uint32_t i = 0; i < task_count_ && parked_ != 0; ++i) {
    const SpinLog& log = spins_[i];
    if (!log.parked) continue;
    bool wakes = log.watch_any;
    for (std::uint32_t k = log.watch_from; data && !wakes && k < log.count; ++k) {
      wakes = log.entries[k].object == object && spin_role(log.entries[k].kind) == SpinRole::Read;
    }
    if (wakes) unpark(i);
  }
}

bool Execution::resume_parked() {
  if (++quiet_rounds_ > limits_.quiet_limit) {
    record_livelock();
    return false;
  }
  // All of them, and the strategy chooses among them as usual: one that yields and then does
  // something else (`yield(); x += 1`) must still be able to interleave with the others.
  for (std::uint32_t i = 0; i < task_count_ && parked_ != 0; ++i) {
    if (spins_[i].parked) unpark(i);
  }
  return true;
}

namespace {

// "flag[1] and turn": the objects a loop reads, each once, in order.
std::string read_list(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " and " : ", ";
    out += names[i];
  }
  return out;
}

}  // namespace

void Execution::record_livelock() {
  const detail::Unwatched unwatched;
  std::vector<std::string> details;
  std::size_t spinning = 0;
  for (std::uint32_t i = 0; i < task_count_; ++i) {
    const SpinLog& log = spins_[i];
    const std::string& name = task(TaskId{i}).info.name;
    const std::string at = to_string(pending_[i].where);
    if (log.parked && log.watch_any) {
      details.push_back(name + " yields in a loop at " + at + " and waits for a change nobody makes");
    } else if (log.parked) {
      std::vector<std::string> reads;
      for (std::uint32_t k = log.watch_from; k < log.count; ++k) {
        if (spin_role(log.entries[k].kind) != SpinRole::Read) continue;
        std::string read = object_name(log.entries[k].object);
        if (std::find(reads.begin(), reads.end(), read) == reads.end()) reads.push_back(std::move(read));
      }
      details.push_back(name + " loops at " + at +
                        (reads.empty() ? std::string(" reading nothing that could end the loop")
                                       : " reading " + read_list(reads) + ", which nobody changes"));
    } else if (states_[i] == TaskState::Blocked) {
      details.push_back(describe_wait(TaskId{i}));
      continue;
    } else {
      continue;
    }
    ++spinning;
  }
  std::string message = spinning == 1 ? std::string("the only task that can run spins in a loop that nothing can end")
                                      : std::to_string(spinning) + " tasks spin in loops and none can change what the others wait for";
  message += " (" + std::to_string(limits_.quiet_limit) + " rounds went by with no change)";
  record(FailureKind::Livelock, std::move(message), pending_[index(current_task_)].where, std::move(details));
}

void Execution::record_cycle(std::uint32_t steps, std::span<const TaskId> stepping) {
  if (failure_) return;
  const detail::Unwatched unwatched;
  std::vector<TaskId> ordered(stepping.begin(), stepping.end());
  std::sort(ordered.begin(), ordered.end());
  std::vector<std::string> names;
  for (TaskId t : ordered) names.push_back(task(t).info.name);
  std::string message = names.size() == 1 ? names[0] + " goes round a loop forever" : read_list(names) + " take turns forever";
  message += ": steps " + std::to_string(steps + 1) + " to " + std::to_string(events_) + " lead back to the state before step " +
             std::to_string(steps + 1) + ", and every task that could run all along took a step in them, so a fair schedule can repeat them and no task ever finishes";
  std::vector<std::string> details;
  for (std::uint32_t i = 0; i < task_count_; ++i) {
    const TaskId t{i};
    if (states_[i] == TaskState::Finished) continue;
    const std::string& name = task(t).info.name;
    if (std::find(ordered.begin(), ordered.end(), t) != ordered.end()) {
      details.push_back(name + " is back at " + to_string(pending_[i].where) + ", where the cycle began");
    } else if (states_[i] == TaskState::Blocked) {
      details.push_back(describe_wait(t));
    } else {
      details.push_back(name + " takes no step in the cycle: it cannot run at some point of it, and is passed over whenever it can (starved)");
    }
  }
  record(FailureKind::Livelock, std::move(message), pending_[index(current_task_)].where, std::move(details));
  failure_->cycle_from = steps + 1;
}

}  // namespace sim
