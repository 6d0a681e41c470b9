// RealMonitor: the one monitor every waiting step of a real-thread run goes through — who each
// thread is, what it waits for, deadlock detection, and the first finding that stops the run.
//
// A std::mutex and a std::condition_variable guard the state of every part of RealBackend. A
// thread that must wait registers what it waits for (a test, and a description for the
// story), so the moment every live thread waits for something no other can give, that is a
// deadlock, reported at once with who waits for what. The first finding stops the run: every
// thread ends at its next step with RealStop, caught at the thread's entry.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/failure.hpp"

namespace lang {

// Ends a thread of a run that has stopped (a finding, a deadlock, the watchdog).
struct RealStop {};

struct RealFailure {
  sim::FailureKind kind = sim::FailureKind::AssertionFailed;
  std::string message;
  sim::Location where;
  std::string thread;  // who found it
  std::vector<std::string> details;
};

class RealMonitor {
 public:
  using Guard = std::unique_lock<std::mutex>;
  using Clock = std::chrono::steady_clock;

  // The run's threads by index: the scenario's, then main (`main`), then the pools' workers.
  RealMonitor(std::vector<std::string> names, std::uint32_t main);

  // Who this OS thread is: set by enter(index) when it starts (index main() for main).
  static std::int32_t self();
  void enter(std::uint32_t thread);
  const std::string& name(std::int32_t thread) const;
  std::uint32_t main() const { return main_; }
  std::size_t threads() const { return names_.size(); }

  // `live` threads are about to run; each leaves, under the monitor, with left() then
  // check_deadlock() (between them, the backend counts the thread out).
  void expect(std::uint32_t live);
  void left(Guard& g);
  void check_deadlock(Guard& g);

  Guard guard() { return Guard(m_); }
  void wake() { cv_.notify_all(); }  // under the monitor: something a waiter may wait for changed
  // Waits in the monitor until `ready`; false if `deadline` came first. Throws RealStop if the run stops.
  bool block(Guard& g, const std::function<bool()>& ready, const std::function<std::string()>& what, const Clock::time_point* deadline = nullptr);
  // Waits until `until` unless the run stops first (then throws RealStop).
  void sleep_until(Clock::time_point until);

  void step();  // throws RealStop once the run is stopping
  bool stopping() const { return stopping_.load(std::memory_order_relaxed); }
  // The watchdog gives up on the run: every thread stops at its next step.
  void stop();
  [[noreturn]] void fail(sim::FailureKind kind, std::string message, sim::Location at, std::vector<std::string> details = {});
  [[noreturn]] void fail_locked(Guard& g, sim::FailureKind kind, std::string message, sim::Location at, std::vector<std::string> details = {});
  // An exception that left a thread (not a finding of the scenario: ours, or out of memory).
  void uncaught(const std::string& what);
  std::optional<RealFailure> failure() const;

 private:
  struct Waiting {
    std::function<bool()> ready;        // empty: not waiting
    std::function<std::string()> what;  // "mutex b (held by left)", as things stand when asked
  };
  void record(sim::FailureKind kind, std::string message, sim::Location at, std::vector<std::string> details);
  bool deadlocked() const;
  void declare_deadlock();

  const std::vector<std::string> names_;
  const std::uint32_t main_;
  std::atomic<bool> stopping_{false};
  mutable std::mutex m_;  // the monitor: everything below, and every part's state
  std::condition_variable cv_;
  std::vector<Waiting> waiting_;  // per thread
  std::uint32_t live_ = 0;
  std::optional<RealFailure> failure_;
};

}  // namespace lang
