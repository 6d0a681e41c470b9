// RealBackend: a scenario's steps on real OS threads — cells as real memory, locks that block in
// the OS — for one run of `interleave real` (lang/real/real_runner.hpp).
//
// How this works: one part per Backend interface (lang/real/real_parts.hpp), each holding the
// state of its objects: cells are an int64 array accessed through std::atomic_ref; mutexes,
// conditions, semaphores, channels, futures, the pools' queues, the event loop and `atomic:`
// blocks wait in one RealMonitor (lang/real/real_monitor.hpp), which sees the moment every live
// thread (the pools' workers included) waits for something no other can give — a deadlock — and
// stops the run at its first finding.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lang/backend.hpp"
#include "lang/program.hpp"
#include "lang/real/real_monitor.hpp"
#include "lang/real/real_parts.hpp"

namespace lang {

class RealBackend {
 public:
  using Noise = RealNoise;
  RealBackend(const Program& program, Noise noise);
  RealBackend(const RealBackend&) = delete;
  RealBackend& operator=(const RealBackend&) = delete;

  Backend backend() { return Backend{cells_, locks_, counters_, channels_, futures_, tasks_}; }

  // `live` threads are about to run (the scenario's threads, or main alone for begin and end);
  // each calls enter(index) first (index threads() is main) and leave() when it is done.
  void expect(std::uint32_t live) { monitor_.expect(live); }
  void enter(std::uint32_t thread) { monitor_.enter(thread); }
  void leave();
  // The pools' worker threads, numbered across the pools (worker k is thread threads() + 1 + k):
  // how many, and worker k's loop, which takes jobs until its pool is shut down and drained.
  // Once the scenario's threads have all left, each pool still open is drained in turn.
  std::uint32_t workers() const { return static_cast<std::uint32_t>(monitor_.threads()) - monitor_.main() - 1; }
  void work(std::uint32_t worker) { futures_.work(worker); }
  // An exception that left a thread (not a finding of the scenario: ours, or out of memory).
  void uncaught(const std::string& what) { monitor_.uncaught(what); }
  // The watchdog gives up on the run: every thread stops at its next step.
  void stop() { monitor_.stop(); }
  std::optional<RealFailure> failure() const { return monitor_.failure(); }

 private:
  RealMonitor monitor_;
  RealLocks locks_;
  RealCells cells_;
  RealCounters counters_;
  RealChannels channels_;
  RealFutures futures_;
  RealTasks tasks_;
};

// The names of the pools' worker threads, which each run starts too ("workers.worker0", ...).
std::vector<std::string> pool_workers(const Program& program);

}  // namespace lang
