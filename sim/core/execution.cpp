// Execution: task slots, the scheduling point, and switching between task fibers.
#include "sim/core/execution.hpp"

#include <bit>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>

#include "sim/core/execution_task.hpp"
#include "sim/core/fiber.hpp"
#include "sim/core/observer.hpp"
#include "sim/core/monitor.hpp"
#include "sim/core/op_traits.hpp"
#include "sim/core/strategy.hpp"
#include "sim/core/watched.hpp"

namespace sim {

namespace {
// Epochs are unique in the process without a shared counter: a thread number in the high bits.
std::atomic<std::uint64_t> g_next_thread{1};
thread_local std::uint64_t t_epoch = g_next_thread.fetch_add(1, std::memory_order_relaxed) << 40;
}  // namespace

Execution::Execution(ExecutionLimits limits)
    : limits_(limits),
      home_(std::make_unique<Fiber>()),
      rescue_(std::make_unique<Fiber>(&Execution::rescue_entry, this, limits.stack_size)) {
  install_crash_guard();
}

TaskId Execution::stack_owner(const void* address, std::size_t* depth) const {
  for (std::uint32_t i = 0; i < task_count_; ++i) {
    const std::ptrdiff_t d = tasks_[i]->fiber->depth_of(address);
    if (d >= 0) {
      *depth = static_cast<std::size_t>(d);
      return TaskId{i};
    }
  }
  return no_task;
}

void Execution::rename_task(TaskId t, std::string_view name) {
  if (index(t) < task_count_ && !name.empty()) rename(task(t), name, index(t));
}

Execution::~Execution() {
  if (crashed_) reset_crashed();
  // Let every parked task fiber's entry return, so no suspended frame is left behind.
  for (auto& t : tasks_) {
    if (!t->fiber->started()) continue;
    t->quit = true;
    t->fiber->exit_to(*home_);
    Fiber::switch_to(*home_, *t->fiber);
  }
}

Execution::Task& Execution::task(TaskId t) { return *tasks_[index(t)]; }
const Execution::Task& Execution::task(TaskId t) const { return *tasks_[index(t)]; }
const std::string& Execution::task_name(TaskId t) const { return task(t).info.name; }
const TaskInfo& Execution::task_info(TaskId t) const { return task(t).info; }

void Execution::steer(Strategy& strategy) {
  strategy_ = &strategy;
  prunes_ = strategy.prunes();
}
std::optional<Failure> Execution::run(const std::function<void()>& body, Strategy& strategy,
                                      std::span<Observer* const> observers, Continuation* more) {
  if (current_ != nullptr) [[unlikely]] {
    current_->nested_simulation();  // a finding of the outer execution: unwinds out of here
    return std::nullopt;
  }
  const detail::InExecution in_execution;  // the monitor may now report this thread blocked or stuck
  current_ = this;
  detail::watched = this;
  steer(strategy);
  listen(observers, strategy);
  root_ = &body;
  more_ = more;
  begin();
  Fiber::switch_to(*home_, *task(TaskId{0}).fiber);
  // Every task has finished (or was unwound, or abandoned) when control comes back here.
  abandoned_.clear();
  if (!concluded_) conclude();
  current_ = nullptr;
  detail::watched = nullptr;
  root_ = nullptr;
  more_ = nullptr;
  return std::move(failure_);
}

void Execution::begin() {
  epoch_ = ++t_epoch;
  if (crashed_) [[unlikely]] reset_crashed();
  // Every way an execution ends finishes its tasks; this only guards against one that did not.
  if (unfinished_ != 0 || runnable_count_ != 0) [[unlikely]] {
    for (std::uint32_t i = 0; i < task_count_; ++i) states_[i] = TaskState::Finished;
    for (std::uint64_t& word : runnable_bits_) word = 0;
    runnable_count_ = 0;
  }
  listed_at_ = runnable_changes_ - 1;
  task_count_ = 0;
  object_count_ = 0;
  unfinished_ = 0;
  open_handles_ = 0;
  steps_ = 0;
  events_ = 0;
  delivered_ = 0;
  schedule_.choices.clear();
  schedule_.fingerprint = 0;
  schedule_.states = prunes_;
  schedule_.sequential = !weak_;
  fingerprint_ = fingerprint_basis;
  aborting_ = false;
  stop_by_ = StopBy::Unwind;
  stopped_short_ = false;
  pruned_ = false;
  state_source_ = nullptr;
  preempting_ = false;
  now_ = 0;
  timed_ = 0;
  timing_violated_ = false;
  parked_ = 0;
  parked_bits_ = parked_before_ = 0;
  quiet_rounds_ = 0;
  concluded_ = false;
  failure_.reset();
  if (tracks_hb_) {
    happens_before_.begin();
    if (weak_) memory_.begin(happens_before_);
  }
  fences_ = no_object;
  sequential_ = false;
  for (Observer* o : observers_) o->on_begin(*this);
  TaskId main = new_task("main", no_task, Location{});
  task(main).body.emplace([this] { (*root_)(); });
  current_task_ = main;
}

void Execution::conclude() {
  concluded_ = true;
  if (failure_ && timing_violated_) {
    failure_->details.push_back(
        "this schedule lets a sleep or a timeout end before its time: the failure needs a thread to be slower "
        "than its stated durations (a sleep is not synchronisation); ExecutionLimits::Timing::Strict honours "
        "durations exactly");
  }
  for (Observer* o : observers_) o->on_end(*this, failure_ ? &*failure_ : nullptr);
}

// The execution ended cleanly on fiber `mine`: if the continuation wants another, set it up
// and run its main task, on this fiber if main's slot is ours. False: go home.
bool Execution::start_next(Fiber& mine) {
  if (more_ == nullptr || failure_) return false;
  conclude();
  if (!more_->again()) return false;
  begin();
  Fiber& main = *task(TaskId{0}).fiber;
  if (&main != &mine) Fiber::switch_to(mine, main);
  return true;
}

void Execution::add_task_slot() {
  tasks_.push_back(std::make_unique<Task>(*this, limits_.stack_size));
  pending_.emplace_back();
  spins_.emplace_back();
  states_.push_back(TaskState::Finished);
  links_.add_slot();
  waiting_.emplace_back();
  fibers_.push_back(tasks_.back()->fiber.get());
  runnable_.push_back(no_task);
  deadline_.push_back(no_deadline);
  timed_out_.push_back(0);
  if (runnable_bits_.size() * 64 < tasks_.size()) runnable_bits_.push_back(0);
}

void Execution::rename(Task& t, std::string_view name, std::uint32_t n) {
  const detail::Unwatched unwatched;
  if (name.empty()) {
    t.info.name = "thread" + std::to_string(n);
    t.default_name = true;
  } else {
    t.info.name.assign(name);
    t.default_name = false;
  }
  t.name_hash = hash_text(t.info.name);
}

namespace {
// Task names are short: comparing them in place, a word at a time, costs less than a call to
// memcmp per task. The loads overlap rather than read past either string's end.
template <class Word>
Word word_at(const char* p) {
  Word w;
  std::memcpy(&w, p, sizeof w);
  return w;
}
[[gnu::noinline]] bool same_long_text(const char* p, const char* q, std::size_t n) {
  for (std::size_t i = 0; i + 8 < n; i += 8) {
    if (word_at<std::uint64_t>(p + i) != word_at<std::uint64_t>(q + i)) return false;
  }
  return word_at<std::uint64_t>(p + n - 8) == word_at<std::uint64_t>(q + n - 8);
}
bool same_text(const std::string& a, std::string_view b) {
  const std::size_t n = b.size();
  if (a.size() != n) return false;
  const char* p = a.data();
  const char* q = b.data();
  if (n >= 8) return same_long_text(p, q, n);
  if (n >= 4) {
    return word_at<std::uint32_t>(p) == word_at<std::uint32_t>(q) &&
           word_at<std::uint32_t>(p + n - 4) == word_at<std::uint32_t>(q + n - 4);
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (p[i] != q[i]) return false;
  }
  return true;
}
}  // namespace

// Inlined into spawn and begin, its only callers (a call here costs more than the name check saves).
[[gnu::always_inline]] inline TaskId Execution::new_task(std::string_view name, TaskId parent, Location where) {
  const std::uint32_t n = static_cast<std::uint32_t>(task_count_);
  if (n == tasks_.size()) [[unlikely]] add_task_slot();
  Task& t = *tasks_[n];
  // Slots are reused with the same names execution after execution: copy only on change.
  if (name.empty() ? !t.default_name : t.default_name || !same_text(t.info.name, name)) [[unlikely]] rename(t, name, n);
  t.info.parent = parent;
  t.info.spawned_at = where;
  fingerprint_ = mix(fingerprint_, t.name_hash + index(parent));
  set_state(TaskId{n}, TaskState::Runnable);
  t.started = false;
  t.joiners = WaitList{};
  links_.clear(n);
  deadline_[n] = no_deadline;
  timed_out_[n] = 0;
  t.woken_by = no_task;
  t.handle_open = false;
  pending_[n] = Op{};
  spins_[n].clear();
  spins_[n].parked = false;
  ++task_count_;
  ++unfinished_;
  return TaskId{n};
}

void Execution::Task::entry(void* self) {
  auto* slot = static_cast<Task*>(self);
  while (!slot->quit) slot->exec.task_main(*slot);
}

void Execution::task_main(Task& t) {
  t.started = true;
  // The message is built out of line: a string local here would cost every task its
  // construction and a bigger frame, for the rare task that throws.
  bool threw = false;
  try {
    t.body.run();
  } catch (const detail::Abort&) {
  } catch (...) {
    threw = true;
    note_thrown(t);
  }
  // Outside the catch blocks: switching fibers inside one would interleave exception states.
  t.body.reset();
  if (threw) [[unlikely]] uncaught(t);
  finish_current();
}

void Execution::finish_current() {
  Task& t = task(current_task_);
  Fiber& mine = *t.fiber;
  if (parks() && !aborting_) {
    changed_by(index(current_task_), no_object);
  }
  set_state(current_task_, TaskState::Finished);
  --unfinished_;
  if (aborting_) {
    // Unwound on behalf of a task that is stopping the ones above it: go back to it.
    if (return_to_ != nullptr) {
      Fiber::switch_to(mine, *return_to_);
      return;
    }
    stop_next(mine);
    return;
  }
  publish(OpKind::Finish, no_object, pending_[index(current_task_)].where);
  unblock_all(t.joiners);
  t.joiners = WaitList{};
  if (unfinished_ == 0) {
    if (open_handles_ != 0) [[unlikely]] leaked_handles();
    if (!start_next(mine)) Fiber::switch_to(mine, *home_);
    return;
  }
  const TaskId next = pick();
  if (next != no_task) {
    current_task_ = next;
    Fiber::switch_to(mine, *task(next).fiber);
    return;
  }
  record_deadlock();
  stop_next(mine);
}

TaskId Execution::choose_task() {
  if (runnable_count_ < 2 || timed_ > 0) [[unlikely]] return choose_timed();
  return choose_among(runnable_count_);
}

// The strategy's choice among the n >= 2 runnable tasks, recorded in the schedule.
inline TaskId Execution::choose_among(std::uint32_t n) {
  if (listed_at_ != runnable_changes_) {
    std::uint32_t k = 0;
    for (std::size_t w = 0; k < n; ++w) {
      for (std::uint64_t bits = runnable_bits_[w]; bits != 0; bits &= bits - 1) {
        runnable_[k++] = TaskId{static_cast<std::uint32_t>(w * 64 + std::countr_zero(bits))};
      }
    }
    listed_at_ = runnable_changes_;
  }
  TaskId chosen;
  {
    const detail::Unwatched unwatched;
    const std::span<const TaskId> runnable(runnable_.data(), n);
    if (prunes_ && !aborting_) [[unlikely]] {
      if (strategy_->prune(runnable)) {
        // Ended like a deadlock's execution, without the finding (see reschedule and
        // finish_current), or with the cycle's finding the strategy recorded.
        pruned_ = !failure_;
        aborting_ = true;
        return no_task;
      }
    }
    chosen = strategy_->next_task(runnable, current_task_);
  }
  if (index(chosen) >= task_count_ || states_[index(chosen)] != TaskState::Runnable) [[unlikely]] {
    internal_error("the strategy chose a task that cannot run");
  }
  if (schedule_.choices.empty()) schedule_.fingerprint = fold(fingerprint_);
  schedule_.choices.push_back(Choice{Choice::Kind::Task, index(chosen)});
  return chosen;
}

// The general case: nobody runnable (the clock may move), one task, or deadlines to watch.
TaskId Execution::choose_timed() {
  if (runnable_count_ == 0 && (timed_ == 0 || !advance_clock()) && (parked_ == 0 || !resume_parked())) return no_task;
  if (runnable_count_ == 1) {
    const TaskId only = only_runnable();
    if (timed_ > 0) note_timing(only);
    return only;
  }
  const TaskId chosen = choose_among(runnable_count_);
  if (timed_ > 0 && chosen != no_task) note_timing(chosen);  // no_task: the strategy pruned here
  return chosen;
}

std::uint32_t Execution::choose_value(std::uint32_t bound) {
  if (bound <= 1 || aborting_) return 0;
  ++delivered_;
  std::uint32_t v;
  {
    const detail::Unwatched unwatched;
    v = strategy_->next_value(bound);
  }
  if (v >= bound) internal_error("the strategy chose a value out of range");
  if (schedule_.choices.empty()) schedule_.fingerprint = fold(fingerprint_);
  schedule_.choices.push_back(Choice{Choice::Kind::Value, v});
  return v;
}

TaskId Execution::spawn(std::string_view name, Location where) {
  // Not a scheduling point: creating a task commutes with everything the others do, so
  // running them before or after it reaches the same states.
  if (aborting_) return no_task;
  if (task_count_ >= limits_.max_tasks) [[unlikely]] {
    task_limit(where);
    return no_task;
  }
  pending_[index(current_task_)] = Op{no_object, OpKind::Spawn, where};
  if (parks()) changed_by(index(current_task_), no_object);
  TaskId child = new_task(name, current_task_, where);
  publish(OpKind::Spawn, no_object, where, {}, child);
  return child;
}

void Execution::task_limit(Location where) {
  fail(FailureKind::TaskLimit,
       "more than " + std::to_string(limits_.max_tasks) +
           " tasks in one execution (the limit is ExecutionLimits::max_tasks, --max-tasks in interleave)",
       where);
}

Body& Execution::body_of(TaskId t) { return task(t).body; }

void Execution::join(TaskId t, Location where) {
  if (t == current_task_) [[unlikely]] {
    joins_itself(where);
    return;
  }
  // Joining a finished task commutes with the others' operations: a scheduling point is only
  // needed when the joiner has to wait.
  if (state(t) != TaskState::Finished && !aborting_) {
    enlist(task(t).joiners, current_task_, Waiting{OpKind::Join, no_object, t, where});
    block(current_task_);
    schedule(OpKind::Join, no_object, where);
  }
  publish(OpKind::Join, no_object, where, {}, t);
}

void Execution::joins_itself(Location where) {
  fail(FailureKind::ThreadMisuse, task_name(current_task_) + " joins itself, which would wait forever", where);
}

}  // namespace sim
