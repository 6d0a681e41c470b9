// ExecutionLimits: the bounds and modes one Execution runs under.
#pragma once

#include <cstddef>
#include <cstdint>

namespace sim {

struct ExecutionLimits {
  std::uint32_t max_steps = 100000;        // per execution; more is a StepLimit failure
  std::uint32_t max_tasks = 10000;         // tasks alive in one execution
  std::size_t stack_size = 256 * 1024;     // per task fiber
  enum class Spurious : std::uint8_t { Explore, Never } spurious_wakeups = Spurious::Explore;
  // Loose: a sleep or a timeout may end whenever the strategy likes (a sleep is not
  // synchronisation; failures that need this say so). Strict: virtual time honours every
  // duration exactly, and the clock advances only when no task can run.
  enum class Timing : std::uint8_t { Loose, Strict } timing = Timing::Loose;
  // Unmodified code compiled with -fsanitize=thread (interpose/): every plain memory access is
  // checked for races (Watch), or is also a scheduling point (Switch), so that the scheduler can
  // run another thread between a read and the write that depends on it.
  enum class PlainAccesses : std::uint8_t { Watch, Switch } plain_accesses = PlainAccesses::Watch;
  // Steps of a failure's history kept for its story: the last ones; the earlier ones are
  // counted, not kept, so a long run's report takes bounded memory.
  std::size_t history_steps = 10000;
  // Findings: a task's fatal signal (a segmentation fault, an abort, a stack overflow) is its
  // execution's finding (crash_guard.hpp). Die: the signal takes its default course, as it
  // would without interleave (for fuzzing the runtime itself, where a crash is ours to see).
  enum class Crashes : std::uint8_t { Findings, Die } crashes = Crashes::Findings;
  // Spin loops (spin_log.hpp): Park a task that yields or repeats a loop nobody can end until
  // something it waits on changes, and report a Livelock when nothing can; Run: schedule such
  // tasks like any other (a spin loop then ends only by the step limit).
  enum class SpinLoops : std::uint8_t { Park, Run } spin_loops = SpinLoops::Park;
  // Rounds of resuming parked tasks, with nobody changing anything, before that is a Livelock.
  std::uint32_t quiet_limit = 64;
};

}  // namespace sim
