// Monitor: one thread in the process that watches the OS threads running executions.
//
// How this works: each OS thread that runs an execution gets a ThreadWatch record the first
// time (Execution::run), dropped when the thread ends. One monitor thread, started with the
// first record, looks at every record four times a second: a time limit that has run out, a
// thread blocked in the operating system while inside an execution (the state and the system
// call in /proc/self/task/TID/stat and .../syscall), or a crash rescue that does not finish.
// It never reads an execution (another thread's state, changing under it): it sends the
// watched thread a signal with the reason in the record, and the handler, on that thread,
// looks at its own execution and reports with async-signal-safe writes (signal_text.hpp).
// The monitor's loop allocates nothing and takes no lock a watched thread could hold for
// long, so a thread stuck inside malloc cannot stop it. A forked child starts afresh: its
// registry is emptied and the monitor restarted by the next registration.
#pragma once

#include <pthread.h>
#include <sys/types.h>

#include <atomic>
#include <cstdint>

namespace sim::detail {

// Why the monitor signalled a thread.
enum class WatchReason : std::uint8_t {
  None,
  TimeLimit,  // the time limit ran out; the task may be looping between visible operations
  Blocked,    // the thread sat in a blocking system call, outside the model
  Rescue,     // a crash rescue did not finish: the crash left a lock held (e.g. malloc's)
};

struct ThreadWatch {
  pid_t tid = 0;
  pthread_t thread{};
  std::uint64_t generation = 0;
  std::atomic<bool> in_execution{false};
  std::atomic<std::int64_t> limit_at{0};   // monotonic ns when the time limit runs out; 0: none
  std::atomic<std::int64_t> limit_ns{0};   // the time limit, for the report
  std::atomic<std::int64_t> grace_ns{0};   // between looks once it ran out
  // Set by the fault handler while a crash rescue runs. The monitor times it (the handler reads
  // no clock: inside a simulation the std front end answers clock_gettime with virtual time).
  std::atomic<bool> rescuing{false};
  std::atomic<WatchReason> reason{WatchReason::None};
  std::atomic<long> syscall{-1};           // the system call the thread was blocked in
  // The monitor's own bookkeeping (only the monitor thread touches these).
  std::int64_t rescue_since = 0;
  std::int64_t blocked_since = 0;
  long blocked_in = -1;
  std::int64_t next_signal = 0;
};

// This thread's record, registered (and the monitor started) if it was not yet in this process.
ThreadWatch& this_thread_watch();
// The record, or null if the thread never registered: for signal handlers, which must not register.
ThreadWatch* this_thread_watch_if_any();

// Monotonic nanoseconds (clock_gettime: async-signal-safe).
std::int64_t monotonic_ns();

// Seconds a thread may sit in a blocking system call inside an execution before it is reported.
inline constexpr double blocked_report_seconds = 5.0;
// Seconds a crash rescue may take before the thread is told to report and exit.
inline constexpr double rescue_seconds = 2.0;

// While alive, the calling thread's execution is watched as "inside an execution".
class InExecution {
 public:
  InExecution() : watch_(this_thread_watch()) { watch_.in_execution.store(true, std::memory_order_relaxed); }
  ~InExecution() { watch_.in_execution.store(false, std::memory_order_relaxed); }
  InExecution(const InExecution&) = delete;
  InExecution& operator=(const InExecution&) = delete;

 private:
  ThreadWatch& watch_;
};

// The handler of the monitor's signal calls these, on the signalled thread.
void report_stuck(ThreadWatch& watch);   // watchdog.cpp: time limit or blocked
void report_unrescued();                  // crash_guard.cpp: a rescue that did not finish

}  // namespace sim::detail
