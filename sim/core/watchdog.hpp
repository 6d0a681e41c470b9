// Watchdog: a task that never reaches a visible operation, caught once the time budget is spent.
#pragma once

namespace sim {

// A task looping without a scheduling point (`while (busy) {}` on a plain variable) cannot be
// stopped from outside its fiber, and the budgets checked between executions never get control
// back. While a Watchdog is alive, once `time_limit` seconds have passed the monitor thread
// (monitor.hpp) signals the thread that made it every `grace` seconds; the handler compares the
// running execution's step count with its last look, and if no step was taken prints which task
// is stuck, where its last visible operation was and the replay token so far, then ends the
// process with exit code 3: a report, never a hang. A thread blocked in the operating system
// inside an execution (a std::mutex locked twice, a real sleep, I/O) is reported the same way,
// as blocked outside the model, with or without a time limit. The report is async-signal-safe.
// A time_limit of 0 sets no limit.
class Watchdog {
 public:
  explicit Watchdog(double time_limit, double grace = 2.0);
  ~Watchdog();
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

 private:
  bool armed_ = false;
};

}  // namespace sim
