// Execution: task slots, the scheduling point, and switching between task fibers.
#include "sim/execution.hpp"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <exception>

#include "sim/execution_task.hpp"
#include "sim/fiber.hpp"
#include "sim/observer.hpp"
#include "sim/strategy.hpp"

namespace sim {

thread_local Execution* Execution::current_ = nullptr;

namespace {
std::atomic<std::uint64_t> g_next_epoch{1};
}  // namespace

[[noreturn]] void internal_error(const char* what) {
  std::fprintf(stderr, "interleave: internal error: %s\n", what);
  std::abort();
}

Execution::Execution(ExecutionLimits limits) : limits_(limits), home_(std::make_unique<Fiber>()) {}

Execution::~Execution() {
  // Let every parked worker's entry return, so no suspended fiber has to be unwound.
  for (auto& w : workers_) {
    if (!w->fiber.started()) continue;
    w->quit = true;
    w->fiber.exit_to(*home_);
    Fiber::switch_to(*home_, w->fiber);
  }
}

Execution::Task& Execution::task(TaskId t) { return *tasks_[index(t)]; }
const Execution::Task& Execution::task(TaskId t) const { return *tasks_[index(t)]; }
const std::string& Execution::task_name(TaskId t) const { return task(t).info.name; }
const TaskInfo& Execution::task_info(TaskId t) const { return task(t).info; }
ObjectInfo Execution::object_info(ObjectId o) const {
  const ObjectSlot& slot = objects_[index(o)];
  return ObjectInfo{slot.kind, slot.copied ? slot.copy : *slot.live, slot.created};
}

std::string Execution::object_name(ObjectId o) const {
  if (o == no_object || index(o) >= object_count_) return "?";
  const ObjectSlot& slot = objects_[index(o)];
  const std::string& name = slot.copied ? slot.copy : *slot.live;
  if (!name.empty()) return name;
  return std::string(to_string(slot.kind)) + "#" + std::to_string(index(o));
}

std::optional<Failure> Execution::run(const std::function<void()>& body, Strategy& strategy,
                                      std::span<Observer* const> observers) {
  if (current_ != nullptr) internal_error("a simulation cannot start inside another simulation");
  current_ = this;
  epoch_ = g_next_epoch.fetch_add(1, std::memory_order_relaxed);
  task_count_ = 0;
  object_count_ = 0;
  unfinished_ = 0;
  steps_ = 0;
  events_ = 0;
  schedule_.choices.clear();
  aborting_ = false;
  runnable_stale_ = true;
  failure_.reset();
  strategy_ = &strategy;
  observers_ = observers;
  root_ = &body;

  for (Observer* o : observers_) o->on_begin(*this);
  TaskId main = new_task("main", no_task, Location{});
  task(main).body.emplace([this] { (*root_)(); });
  current_task_ = main;
  Fiber::switch_to(*home_, task(main).worker->fiber);
  // Every task has finished (or was unwound) when control comes back here.
  for (Observer* o : observers_) o->on_end(*this, failure_ ? &*failure_ : nullptr);
  current_ = nullptr;
  root_ = nullptr;
  return std::move(failure_);
}

TaskId Execution::new_task(std::string_view name, TaskId parent, Location where) {
  const std::uint32_t n = static_cast<std::uint32_t>(task_count_);
  if (n == tasks_.size()) {
    tasks_.push_back(std::make_unique<Task>());
    pending_.emplace_back();
    states_.push_back(TaskState::Finished);
    links_.push_back(no_task);
  }
  Task& t = *tasks_[n];
  if (name.empty()) {
    t.info.name = "task" + std::to_string(n);
  } else {
    t.info.name.assign(name);
  }
  t.info.parent = parent;
  t.info.spawned_at = where;
  set_state(TaskId{n}, TaskState::Runnable);
  t.started = false;
  t.waiting = Waiting{};
  t.joiners = WaitList{};
  links_[n] = no_task;
  t.woken_by = no_task;
  t.worker = &idle_worker();
  t.worker->task = TaskId{n};
  pending_[n] = Op{};
  ++task_count_;
  ++unfinished_;
  return TaskId{n};
}

detail::Worker& Execution::idle_worker() {
  if (!idle_.empty()) {
    detail::Worker* w = idle_.back();
    idle_.pop_back();
    return *w;
  }
  workers_.push_back(std::make_unique<detail::Worker>(*this, limits_.stack_size));
  return *workers_.back();
}

void detail::Worker::entry(void* self) {
  auto* worker = static_cast<Worker*>(self);
  while (!worker->quit) worker->exec.task_main(*worker);
}

void Execution::task_main(detail::Worker& worker) {
  Task& t = task(worker.task);
  t.started = true;
  std::string thrown;
  try {
    t.body.run();
  } catch (const detail::Abort&) {
  } catch (const std::exception& e) {
    thrown = describe_exception(e);
  } catch (...) {
    thrown = "an exception of unknown type";
  }
  // Outside the catch blocks: switching fibers inside one would interleave exception states.
  t.body.reset();
  if (!thrown.empty()) uncaught(std::move(thrown));
  finish_current();
}

void Execution::finish_current() {
  Task& t = task(current_task_);
  detail::Worker& worker = *t.worker;
  Fiber& mine = worker.fiber;
  set_state(current_task_, TaskState::Finished);
  t.worker = nullptr;
  idle_.push_back(&worker);
  --unfinished_;
  if (aborting_) {
    // Unwound by stop_others(): hand control back to the task that is stopping everyone.
    if (return_to_ != nullptr) {
      Fiber::switch_to(mine, *return_to_);
      return;
    }
  } else {
    publish(OpKind::Finish, no_object, pending_[index(current_task_)].where);
    unblock_all(t.joiners);
    t.joiners = WaitList{};
  }
  if (unfinished_ > 0 && !aborting_) {
    TaskId next = pick();
    if (next != no_task) {
      current_task_ = next;
      Fiber::switch_to(mine, task(next).worker->fiber);
      return;
    }
    deadlock(mine);
  }
  Fiber::switch_to(mine, *home_);
}

void Execution::reschedule() {
  TaskId next = pick();
  if (next == no_task) {
    deadlock(task(current_task_).worker->fiber);
  } else if (next != current_task_) {
    switch_to(next);
  }
  if (aborting_) [[unlikely]] abort_point(OpKind::Yield);
}

TaskId Execution::pick() {
  if (runnable_stale_) {
    runnable_.clear();
    for (std::uint32_t i = 0; i < task_count_; ++i) {
      if (states_[i] == TaskState::Runnable) runnable_.push_back(TaskId{i});
    }
    runnable_stale_ = false;
  }
  if (runnable_.empty()) return no_task;
  if (runnable_.size() == 1) return runnable_.front();
  TaskId chosen = strategy_->next_task(runnable_, current_task_);
  if (index(chosen) >= task_count_ || states_[index(chosen)] != TaskState::Runnable) {
    internal_error("the strategy chose a task that cannot run");
  }
  schedule_.choices.push_back(Choice{Choice::Kind::Task, index(chosen)});
  return chosen;
}

void Execution::switch_to(TaskId next) {
  Fiber& from = task(current_task_).worker->fiber;
  current_task_ = next;
  Fiber::switch_to(from, task(next).worker->fiber);
}

std::uint32_t Execution::choose_value(std::uint32_t bound) {
  if (bound <= 1 || aborting_) return 0;
  std::uint32_t v = strategy_->next_value(bound);
  if (v >= bound) internal_error("the strategy chose a value out of range");
  schedule_.choices.push_back(Choice{Choice::Kind::Value, v});
  return v;
}

void Execution::publish(Event event) {
  event.step = StepIndex{++events_};
  for (Observer* o : observers_) o->on_event(*this, event);
}

ObjectId Execution::add_object(ObjectKind kind, const std::string& name, Location created) {
  if (object_count_ == objects_.size()) objects_.emplace_back();
  ObjectSlot& slot = objects_[object_count_];
  slot.kind = kind;
  slot.created = created;
  slot.live = &name;
  slot.copied = observed();
  if (slot.copied) slot.copy = name;
  return ObjectId{static_cast<std::uint32_t>(object_count_++)};
}

TaskId Execution::spawn(std::string_view name, Location where) {
  schedule(Op{no_object, OpKind::Spawn, where});
  if (aborting_) return no_task;
  if (task_count_ >= limits_.max_tasks) {
    fail(FailureKind::TaskLimit,
         "more than " + std::to_string(limits_.max_tasks) + " tasks in one execution (raise max_tasks)", where);
    return no_task;
  }
  TaskId child = new_task(name, current_task_, where);
  publish(OpKind::Spawn, no_object, where, {}, child);
  return child;
}

Body& Execution::body_of(TaskId t) { return task(t).body; }

void Execution::join(TaskId t, Location where) {
  if (t == current_task_) {
    fail(FailureKind::ThreadMisuse, task_name(t) + " joins itself, which would wait forever", where);
    return;
  }
  Task& target = task(t);
  if (state(t) != TaskState::Finished && !aborting_) {
    enlist(target.joiners, current_task_, Waiting{OpKind::Join, no_object, t, where});
    block(current_task_);
  }
  schedule(Op{no_object, OpKind::Join, where});
  publish(OpKind::Join, no_object, where, {}, t);
}

}  // namespace sim
