// Watchdog: a task that never reaches a visible operation, caught once the time budget is spent.
#pragma once

#include <condition_variable>
#include <mutex>
#include <pthread.h>
#include <thread>

namespace sim {

// A task looping without a scheduling point (`while (busy) {}` on a plain variable) cannot be
// stopped from outside its fiber, and the budgets checked between executions never get control
// back. While a Watchdog is alive, once `time_limit` seconds have passed it signals the thread
// that made it every `grace` seconds; the handler (on that thread, so it may read its execution)
// compares the running execution's step count with the last look, and if no step was taken
// prints which task is stuck, where its last visible operation was and the replay token so far,
// then ends the process with exit code 3: a report, never a hang. A time_limit of 0 turns it off.
class Watchdog {
 public:
  explicit Watchdog(double time_limit, double grace = 2.0);
  ~Watchdog();
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

 private:
  void watch(double time_limit, double grace);

  pthread_t target_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace sim
