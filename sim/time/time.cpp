// Time: sleep_for, compute and now on virtual time, or on the real clocks outside a simulation.
#include "sim/time/time.hpp"

#include <thread>

#include "sim/core/execution.hpp"
#include "sim/time/machine.hpp"

namespace sim {

namespace {

void wait_virtual(Execution& e, Duration d, Location where) {
  const TaskId me = e.current_task();
  e.set_deadline(me, e.now() + (d.count() > 0 ? d.count() : 0));
  e.schedule(OpKind::Sleep, no_object, where);
  e.clear_deadline(me);
  e.take_timed_out(me);
  e.publish(OpKind::Sleep, no_object, where);
}

}  // namespace

void sleep_for(Duration d, Location where) {
  if (Execution* e = Execution::current()) {
    const Nanos start = e->now();
    wait_virtual(*e, d, where);
    if (Machine* m = Machine::current()) m->note_sleep(*e, start);
    return;
  }
  std::this_thread::sleep_for(d);
}

void compute(Duration d, Location where) {
  if (Execution* e = Execution::current()) {
    if (Machine* m = Machine::current()) {
      m->compute(*e, d, where);
    } else {
      wait_virtual(*e, d, where);
    }
    return;
  }
  const auto until = std::chrono::steady_clock::now() + d;
  while (std::chrono::steady_clock::now() < until) {
  }
}

Duration now() {
  if (Execution* e = Execution::current()) return Duration(e->now());
  return std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now().time_since_epoch());
}

}  // namespace sim
