// DporStrategy: choosing at each node, following wake-up trees, sleep sets, and backtracking.
#include "sim/explore/dpor_strategy.hpp"

#include <algorithm>
#include <atomic>

#include "sim/core/execution.hpp"
#include "sim/core/op_traits.hpp"
#include "sim/explore/divergence.hpp"

namespace sim {

// Every field of Node, as initialised in the header (assigning a fresh Node would free the
// vectors' storage that ReuseStack keeps it for).
void DporStrategy::Node::reset() {
  value = false;
  count = tried = 1;
  first = 0;
  spurious = false;
  runnable.clear();
  chosen = no_task;
  has_edge = false;
  edge.step = StepSig{};
  edge.children.reset();
  empty = false;
  passed.reset();
  ran = false;
  chosen_step = StepSig{};
  explored = 0;
  pending.clear();
  sleep.clear();
  above = false;
  level = 0;
  full = start = every = false;
  todo.clear();
  serial = 0;
}

// --- execution lifecycle ---

bool DporStrategy::begin_execution() {
  if (done_ || diverged_.gave_up()) return false;
  units_.enter(branch_ < stack_.size() && stack_[branch_].above);
  at_unit(units_.unit(), units_.owned());
  depth_ = 0;
  spurious_used_ = 0;
  blocked_ = false;
  block_step_ = ~0u;
  races_.clear();
  sleep_.clear();
  cursor_.reset();
  pending_choice_ = -1;
  // Track sleep set and wake-up tree from the last task node at or above the branch; above it
  // the nodes hold what they need. With no such node, track from the start.
  track_from_ = 0;
  tracking_ = true;
  for (std::size_t d = std::min(branch_ + 1, replay_); d-- > 0;) {
    if (!stack_[d].value) {
      track_from_ = d;
      tracking_ = false;
      break;
    }
  }
  return true;
}

void DporStrategy::on_begin(const Execution& exec) {
  exec_ = &exec;
  trace_.begin(exec);
  free_races_.clear();
}

void DporStrategy::on_event(const Execution& exec, const Event& event) {
  if (!blocked_) trace_.event(event, exec);
}

void DporStrategy::on_end(const Execution& exec, const Failure*) {
  settle();
  // A free load's race with the store before it (Race::free): the store-first order already let
  // the load read every store the reversed order would, unless a store wore out in this
  // execution, which makes how often a load read stale depend on the order.
  const MemoryModel* m = exec.memory();
  if (m == nullptr || m->wore_out()) {
    for (const Race& race : free_races_) reverse(race);
  }
  free_races_.clear();
  if (blocked_) return;
  trace_.unfinished(exec, races_);
  for (const Race& race : races_) reverse(race);
  races_.clear();
}

// A plain access its step has made already adds nothing to the trace; nor does anything once
// the execution is blocked.
bool DporStrategy::unchanged_by(const Execution& exec, TaskId task, ObjectId object, OpKind kind) const {
  if (blocked_) return true;
  const std::optional<Use> use = own_use(kind, false);
  const OpRole role = traits(kind).role;
  if (!use || (role != OpRole::Read && role != OpRole::Write)) return false;
  return trace_.repeats(task, exec.steps(), object, *use);
}

// --- the steps run since the last choice ---

void DporStrategy::settle() {
  if (blocked_) return;
  const std::size_t from = trace_.settled();
  trace_.settle(races_);
  for (std::size_t i = from; i < trace_.size() && !blocked_; ++i) {
    const TraceStep& s = trace_.step(static_cast<std::uint32_t>(i));
    if (!tracking_) continue;
    if (pending_choice_ >= 0) {
      Node& n = stack_[pending_choice_];
      pending_choice_ = -1;
      if (s.node == static_cast<std::int32_t>(&n - stack_.data())) {
        chosen_ran(n, s);
        continue;
      }
      nothing_ran(n);
    }
    forced_ran(static_cast<std::uint32_t>(i), s);
  }
  // No step yet from the task the last node chose: it did nothing before announcing again -
  // unless it is still in that step, making a data choice before its first event.
  if (tracking_ && pending_choice_ >= 0 && !blocked_ &&
      !(choice_stamp_ == exec_->steps() && exec_->current_task() == stack_[pending_choice_].chosen)) {
    nothing_ran(stack_[pending_choice_]);
    pending_choice_ = -1;
  }
  for (const Race& race : races_) {
    // What ran after the execution was found blocked is not part of the search.
    if (race.later >= block_step_) continue;
    if (race.free) {
      free_races_.push_back(race);  // decided at the end (on_end)
    } else {
      reverse(race);
    }
  }
  races_.clear();
}

void DporStrategy::reverse(const Race& race) {
  const TraceStep& e = trace_.step(race.earlier);
  // The later step's task was parked by the spin-loop rule when the earlier one ran: run there,
  // it would only have gone round its loop again, reading what it had read (spin_log.hpp).
  const std::uint32_t partner = index(trace_.step(race.later).task);
  if ((e.parked >> std::min<std::uint32_t>(partner, 63) & 1) != 0) return;
  // A step no node chose ran because nothing else could: by the model nothing can race with
  // it. Counted, should the model miss an ordering, and the search then not claimed complete.
  if (e.node < 0) {
    if (!race.coarse && unreversed_++ == 0) {
      const TraceStep& l = trace_.step(race.later);
      first_unreversed_ = race_steps(e.task, e.nth, l.task, l.nth);
    }
    return;
  }
  // Run ahead: the nodes at and above the ticket's are the adopting search's to change.
  if (e.node <= ahead_depth_) {
    kept_races_.push_back(race);
    return;
  }
  Node& n = stack_[static_cast<std::size_t>(e.node)];
  if (n.full || n.value) return;  // above the split every task is a branch already
  if (race.coarse) {
    n.every = true;
    return;
  }
  WakeupSequence w(trace_, trace_.reversal(race.earlier, race.later));
  if (covered_by_sleep(w, n.sleep)) return;
  insert(n.pending, std::move(w));
}

// The step node `n` chose has run: wake whoever it conflicts with, go down its wake-up branch.
void DporStrategy::chosen_ran(Node& n, const TraceStep& ran) {
  const StepSig& step = ran.sig;
  if (!n.ran) {
    n.chosen_step = step;
    n.ran = true;
  }
  std::erase_if(sleep_, [&](const StepSig& s) { return dependent(s, step); });
  cursor_.reset();
  if (!n.has_edge) return;
  if (step.same_step(n.edge.step)) {
    cursor_ = n.edge.children;
  } else {
    mispredicted_.note(changed_step(ran.task, ran.nth, n.edge.step.kind, step.kind));
  }
}

// The task node `n` chose only started a task: what it had to run is still ahead.
void DporStrategy::nothing_ran(Node& n) {
  if (!n.empty) {
    n.empty = true;
    n.ran = true;
    n.chosen_step = StepSig{};
    n.chosen_step.task = trace_.names().task(n.chosen);
    n.passed = std::make_shared<WakeupForest>();
    if (n.has_edge) n.passed->push_back(std::move(n.edge));
    n.has_edge = false;
    for (WakeupNode& b : n.pending) n.passed->push_back(std::move(b));
    n.pending.clear();
  }
  cursor_ = n.passed;
}

// A step ran because its task was the only one that could.
void DporStrategy::forced_ran(std::uint32_t at, const TraceStep& ran) {
  const StepSig& step = ran.sig;
  // Its task was asleep: every way on from here starts with a step already explored.
  if (std::any_of(sleep_.begin(), sleep_.end(), [&](const StepSig& s) { return s.task == step.task; })) {
    blocked_ = true;
    block_step_ = at;
    ++redundant_;
    return;
  }
  std::erase_if(sleep_, [&](const StepSig& s) { return dependent(s, step); });
  if (!cursor_ || cursor_->empty()) return;
  for (const WakeupNode& child : *cursor_) {
    if (child.step.same_step(step)) {
      WakeupBranches below = child.children;
      cursor_ = std::move(below);
      return;
    }
  }
  mispredicted_.note(unrecorded_step(ran.task, ran.nth, step.kind));
  cursor_.reset();
}

// --- choosing ---

bool DporStrategy::asleep(const std::vector<StepSig>& sleep, TaskId t) const {
  const std::uint32_t name = trace_.names().task(t);
  return std::any_of(sleep.begin(), sleep.end(), [&](const StepSig& s) { return s.task == name; });
}

TaskId DporStrategy::first_awake(const Node& n) const {
  for (TaskId t : n.runnable) {
    if (!asleep(n.sleep, t)) return t;
  }
  return no_task;
}

TaskId DporStrategy::task_for(const std::vector<TaskId>& runnable, const std::vector<StepSig>& sleep,
                              const StepSig& step) const {
  for (TaskId t : runnable) {
    if (trace_.names().task(t) == step.task && !asleep(sleep, t)) return t;
  }
  return no_task;
}

bool DporStrategy::unstarted(TaskId t) const {
  return sim::unstarted(exec_->pending(t));
}

TaskId DporStrategy::choose(Node& n) {
  if (n.full) {
    for (TaskId t : n.runnable) {
      if (unstarted(t) && !asleep(n.sleep, t)) {
        n.todo.push_back(t);  // starting a task commutes with everything: one branch is enough
        n.start = true;
        break;
      }
    }
    if (n.todo.empty()) {
      for (TaskId t : n.runnable) {
        if (!asleep(n.sleep, t)) n.todo.push_back(t);
      }
    }
    if (!n.todo.empty()) {
      n.chosen = n.todo.front();
      n.todo.erase(n.todo.begin());
      return n.chosen;
    }
  } else {
    if (next_branch(n)) return n.chosen;
    for (TaskId t : n.runnable) {
      if (unstarted(t) && !asleep(n.sleep, t)) return n.chosen = t;
    }
    if (const TaskId t = first_awake(n); t != no_task) return n.chosen = t;
  }
  // Every task that can go on is asleep: whatever follows was explored from an equivalent state.
  blocked_ = true;
  block_step_ = static_cast<std::uint32_t>(trace_.size());
  ++redundant_;
  return n.runnable.front();
}

// Take the next branch of the node's wake-up tree.
bool DporStrategy::next_branch(Node& n) {
  while (!n.pending.empty()) {
    WakeupNode b = std::move(n.pending.front());
    n.pending.erase(n.pending.begin());
    if (const TaskId t = task_for(n.runnable, n.sleep, b.step); t != no_task) {
      n.chosen = t;
      n.edge = std::move(b);
      n.has_edge = true;
      return true;
    }
    // Its task cannot run here: the body did not repeat itself.
    mispredicted_.note(missing_task(static_cast<std::size_t>(&n - stack_.data()), n.runnable));
  }
  // Races on coarse primitives are not reversed: branch on every task that can still go.
  if (!n.every) return false;
  const TaskId t = first_awake(n);
  if (t == no_task) return false;
  n.chosen = t;
  return true;
}

TaskId DporStrategy::next_task(std::span<const TaskId> runnable, TaskId) {
  settle();
  for (TaskId t : runnable) {
    if (exec_->pending(t).kind == OpKind::Wake) trace_.timed_wait(t);  // it can run while waiting
  }
  const std::size_t d = depth_++;
  if (blocked_) return runnable.front();
  if (d < replay_) {
    Node& n = stack_[d];
    if (!n.value && std::equal(n.runnable.begin(), n.runnable.end(), runnable.begin(), runnable.end())) {
      if (d == track_from_) tracking_ = true;
      if (tracking_) {
        sleep_ = n.sleep;
        pending_choice_ = static_cast<std::int32_t>(d);
        choice_stamp_ = exec_->steps();
      }
      trace_.chose(static_cast<std::int32_t>(d), n.chosen, exec_->steps());
      return n.chosen;
    }
    // The body did not repeat itself: start afresh below this point.
    diverged_.note(n.value ? changed_kind(d, false) : changed_runnable(d, n.runnable, runnable));
    stack_.resize(d);
    replay_ = d;
    tracking_ = true;
  }
  Node& n = stack_.emplace_back();
  n.serial = ++serials_;
  n.runnable.assign(runnable.begin(), runnable.end());
  n.sleep = sleep_;
  if (cursor_) {
    if (cursor_.use_count() == 1) {
      std::atomic_thread_fence(std::memory_order_acquire);  // (see insert in wakeup_tree.cpp)
      n.pending = std::move(*cursor_);
    } else {
      n.pending = *cursor_;  // (one level: below is shared)
    }
  }
  cursor_.reset();
  place(d);
  n.full = n.above;
  if (n.full) n.sleep.clear();  // (nothing above it puts a task to sleep)
  const TaskId t = choose(n);
  if (blocked_) {
    stack_.pop_back();  // nothing below a blocked node is explored
    return t;
  }
  pending_choice_ = static_cast<std::int32_t>(d);
  choice_stamp_ = exec_->steps();
  trace_.chose(static_cast<std::int32_t>(d), t, exec_->steps());
  return t;
}

// Whether the new node at depth `d` lies above the split: the nodes before it are, and fewer
// than split_depth of them branch (a full node that only starts a task does not).
void DporStrategy::place(std::size_t d) {
  Node& n = stack_[d];
  if (d == 0) {
    n.above = options_.split_depth > 0;
    return;
  }
  const Node& prev = stack_[d - 1];
  n.level = prev.level + (prev.start ? 0 : 1);
  n.above = prev.above && n.level < options_.split_depth;
}

// The nodes above the units: the leading nodes above the split.
std::size_t DporStrategy::units_depth() const {
  std::size_t d = 0;
  while (d < stack_.size() && stack_[d].above) ++d;
  return d;
}

// The step the wake-up tree expects `t` to take next, if any.
const StepSig* DporStrategy::expected(TaskId t) const {
  const std::uint32_t name = trace_.names().task(t);
  if (pending_choice_ >= 0) {
    const Node& n = stack_[static_cast<std::size_t>(pending_choice_)];
    return n.has_edge && n.edge.step.task == name ? &n.edge.step : nullptr;
  }
  if (!cursor_) return nullptr;
  for (const WakeupNode& child : *cursor_) {
    if (child.step.task == name) return &child.step;
  }
  return nullptr;
}

std::uint32_t DporStrategy::value_of(const Node& n) const {
  if (n.tried <= 1) return n.first;
  const std::uint32_t v = n.tried - 2;
  return v >= n.first ? v + 1 : v;
}

std::uint32_t DporStrategy::next_value(std::uint32_t bound) {
  settle();
  const std::size_t d = depth_++;
  if (blocked_) return 0;
  const TaskId me = exec_->current_task();
  std::uint32_t v = 0;
  if (d < replay_ && stack_[d].value && (stack_[d].count == bound || stack_[d].count == 1)) {
    if (d == track_from_) tracking_ = true;  // (never: track_from_ is a task node)
    v = value_of(stack_[d]);
    if (stack_[d].spurious && v == 1) ++spurious_used_;
  } else {
    if (d < replay_) {
      diverged_.note(stack_[d].value ? changed_value(d, stack_[d].count, bound) : changed_kind(d, true));
      stack_.resize(d);
      replay_ = d;
      tracking_ = true;
    }
    Node& n = stack_.emplace_back();
    n.serial = ++serials_;
    n.value = true;
    place(d);
    n.count = bound;
    n.spurious = exec_->pending(me).kind == OpKind::Wait;
    if (n.spurious && spurious_used_ >= options_.spurious) n.count = 1;
    // A step from a wake-up tree makes the choices it made when it was recorded first.
    if (const StepSig* step = expected(me)) {
      const std::size_t i = trace_.values_pending(me);
      if (i < step->values.size() && step->values[i] < n.count) n.first = step->values[i];
    }
    v = n.first;
    if (n.spurious && v == 1) ++spurious_used_;
  }
  trace_.value_chosen(me, v);
  return v;
}

double DporStrategy::progress() const {
  double done = 0, weight = 1;
  for (const Node& n : stack_) {
    const double options = n.value ? n.count : n.explored + 1.0 + n.pending.size() + n.todo.size();
    const double before = n.value ? n.tried - 1.0 : n.explored;
    done += weight * before / options;
    weight /= options;
  }
  return done;
}

std::string DporStrategy::describe() const {
  std::string text = options_.split_depth == 0 ? "dpor" : "dpor split=" + std::to_string(options_.split_depth);
  if (options_.order == SearchOrder::Random) text += " order=random seed=" + std::to_string(options_.seed);
  return text;
}

}  // namespace sim
