// Real-thread runs of a scenario (`interleave real`): each thread on an OS thread, many runs,
// outcomes counted by kind.
//
//   lang::RealRunReport r = lang::run_real_threads(program, {.runs = 10'000, .noise = lang::RealBackend::Noise::Yields});
//   std::cout << sim::summary(r.totals, "overdraft");
//
// Each run makes a fresh interpreter on a RealBackend (lang/real/real_backend.hpp), starts one OS
// thread per scenario thread and per pool worker, lets them all go at once, joins them and runs
// `finally:` on the calling thread. A watchdog gives a run `stall_seconds`: past that it is stopped and counted as
// a stall (a livelock, or a wait the monitor cannot see). A stalled run whose threads do not stop
// (a loop over locals) is abandoned, and the runs end there.
#pragma once

#include <atomic>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lang/diagnostics.hpp"
#include "lang/interpreter.hpp"
#include "lang/real/real_backend.hpp"
#include "sim/real/real_runner.hpp"
#include "sim/time/timeline.hpp"

namespace lang {

struct RealRunOptions {
  std::uint64_t runs = 1000;
  RealBackend::Noise noise = RealBackend::Noise::None;  // Yields: random yields and short sleeps at shared accesses
  std::uint64_t seed = 1;                                // of the noise
  double stall_seconds = 10;                             // a run that takes longer is stopped as a stall
  bool record_timeline = false;                          // each thread's start and end in every run
  const std::atomic<bool>* cancel = nullptr;             // set from elsewhere (Ctrl-C): no run starts after it
  // Loop iterations and calls a run may make (InterpreterOptions::max_local_work): none by
  // default, as on real threads a loop ends when told; the fuzz target bounds it.
  std::uint64_t max_local_work = std::numeric_limits<std::uint64_t>::max();
};

// One kind of ending, with how many runs ended so.
struct RealOutcome {
  std::string kind;     // an outcome name (lang/outcome.hpp: "assertion", "deadlock", ...) or "stall"
  std::string message;  // "overdraft"
  std::string where;    // "scenarios/bank_race.scn:11", or empty
  std::string thread;   // who found it, in the first run that ended so
  std::vector<std::string> details;  // of the first run that ended so (a deadlock: who waits for what)
  std::uint64_t runs = 0;
  std::uint64_t first_run = 0;  // 1-based
};

struct RealRunReport {
  sim::RealReport totals;             // runs, failed ones, wall time (stalled: as abandoned): for the rate and its interval
  std::vector<RealOutcome> outcomes;  // the failed runs by kind and message, in order of first appearance
  bool abandoned = false;             // a stalled run's threads would not stop: runs ended there
  bool interrupted = false;           // the cancel flag stopped the runs before options.runs
  // With record_timeline: one Run segment per thread per run, on the CPU it started on, in
  // nanoseconds from the first run's start (tasks: main, the scenario's threads, the pools' workers).
  sim::TimelineReport timeline;
};

// The first statement or expression of `program` that cannot run on real threads, as a
// diagnostic naming it; nullopt if all of it can (real_support.cpp).
std::optional<Diagnostic> refused_on_real_threads(const Program& program);

// Runs `program` options.runs times on real threads. It must not be refused (above).
RealRunReport run_real_threads(std::shared_ptr<const Program> program, const RealRunOptions& options);

}  // namespace lang
