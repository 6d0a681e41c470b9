// Execution: who hears of each event, and how it reaches them (the happens-before clocks first).
#include "sim/core/execution.hpp"

#include "sim/core/observer.hpp"
#include "sim/core/op_traits.hpp"
#include "sim/core/strategy.hpp"
#include "sim/core/watched.hpp"

namespace sim {

// The clocks are kept while an observer needs them or the memory model is on (it moves them);
// the model is on with them unless the strategy replays a run that had it off, or the run
// decided for all of its executions (set_memory_model).
void Execution::listen(std::span<Observer* const> observers, Strategy& strategy) {
  observers_ = observers;
  unobserved_ = ~std::uint64_t{0};
  tracks_hb_ = false;
  for (Observer* o : observers) {
    unobserved_ &= o->ignored_kinds();
    tracks_hb_ = tracks_hb_ || o->needs_happens_before();
  }
  ignored_ = unobserved_;
  weak_ = strategy.memory_model().value_or(run_model_.value_or(tracks_hb_));
  tracks_hb_ = tracks_hb_ || weak_;
  publishing_ = !observers.empty() || tracks_hb_;
  // Worked out once: walking the table of kinds cost about 500 instructions an execution.
  static const std::uint64_t hb_kinds = kinds_where(HappensBefore::uses);
  if (tracks_hb_) ignored_ &= ~hb_kinds;
}

void Execution::publish_step(OpKind kind, ObjectId object, Location where, ValueRef value, TaskId peer, bool flag) {
  Event event{StepIndex{0}, current_task_, {object, kind, where}, value, peer, flag};
  deliver(event);
}

void Execution::publish(Event event) {
  if (!drop_ignored(event.op.kind, event.op.object)) deliver(event);
}

void Execution::deliver(Event& event) {
  event.step = StepIndex{++events_};
  ++delivered_;
  event.preempted = preempting_;
  preempting_ = false;
  const detail::Unwatched unwatched;
  if (tracks_hb_) happens_before_.on_event(event);
  for (Observer* o : observers_) o->on_event(*this, event);
}

bool Execution::needless(OpKind kind, ObjectId object) const {
  const detail::Unwatched unwatched;  // (an observer compiled with the program's hooks)
  if (tracks_hb_ && HappensBefore::uses(kind)) return false;
  for (Observer* o : observers_) {
    if (!o->unchanged_by(*this, current_task_, object, kind)) return false;
  }
  return true;
}

}  // namespace sim
