// Failure and Report: what a run found, as data (never thrown at the user).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/gap.hpp"
#include "sim/core/history.hpp"
#include "sim/core/schedule.hpp"

namespace sim {

enum class FailureKind : std::uint8_t {
  AssertionFailed,    // sim::check(false, ...)
  Deadlock,           // no task can run, some are unfinished
  DataRace,           // two unordered conflicting accesses (checker)
  PotentialDeadlock,  // a lock-order cycle (checker)
  UncaughtException,  // a task's body threw
  StepLimit,          // an execution ran past its step budget: livelock or endless loop
  Livelock,           // every task that can run spins in a loop nobody can end (spin_log.hpp), or a fair cycle
  TaskLimit,          // an execution started more tasks than its limit allows
  LockMisuse,         // unlock by a non-owner, relock, wait without the mutex, destroyed while held
  ThreadMisuse,       // a thread destroyed while joinable, joined twice, or joining itself
  ReplayDivergence,   // a token did not fit the body it was replayed on
  SyncMisuse,         // a semaphore released past its maximum, a latch or barrier counted past zero
  ChannelMisuse,      // a send on a closed channel, a close of a closed channel
  FutureMisuse,       // a promise set twice, a future read twice, work submitted to a pool shut down
  Unmodelled,         // the program did something the model cannot see (a thread started outside the simulation, ...)
  Crash,              // a task died of a signal: SIGSEGV, SIGBUS, SIGFPE, SIGILL or SIGABRT (assert, terminate)
  StackOverflow,      // a task ran past the end of its stack
  ApiMisuse,          // the simulation used where it cannot work, e.g. started inside another one
  CheckerFinding,     // a checker of the user's own reported it (checks.more, interleave/checker.hpp)
};
std::string_view to_string(FailureKind kind);
// Fatal findings end their execution; the others are recorded and exploration goes on.
bool is_fatal(FailureKind kind);

// One side of a two-sided finding (a data race): who did what, where, at which step.
struct Access {
  TaskId task = no_task;
  std::string task_name;
  OpKind kind = OpKind::Read;
  Location where;
  StepIndex step{0};
  std::string value;  // text of the value read or written; filled from the history, may be empty
};

// A task a deadlock left blocked: what it waits in, on which object, and the task that would
// have to move first (a mutex's holder, the task joined; nobody for a notify that never comes).
// The edges of the wait-for graph a report draws.
struct Blocked {
  TaskId task = no_task;
  OpKind kind = OpKind::Yield;
  ObjectId object = no_object;
  TaskId holder = no_task;
  Location where;
};

// How long a failing schedule is, for reports on minimisation.
struct ScheduleSize {
  std::size_t steps = 0;
  std::size_t preemptions = 0;  // switches away from a task that could have gone on
};

struct Failure {
  FailureKind kind = FailureKind::AssertionFailed;
  std::string message;
  std::vector<std::string> details;  // one line each, e.g. every blocked task of a deadlock
  std::vector<Blocked> blocked;      // a deadlock's blocked tasks, as data (details tells them)
  TaskId task = no_task;
  std::string task_name;
  Location where;
  std::uint64_t execution = 0;  // 1-based index of the execution that found it
  std::string found_by;         // the strategy and seed that produced it
  Schedule schedule;
  std::string token;
  History history;              // recorded while re-running the token
  // Set when re-running the token did not give the same failure: the body is nondeterministic.
  bool nondeterministic = false;
  std::string replay_note;
  // Two-sided findings (a race): the other operation's place, and both accesses, earlier first.
  Location other;
  std::vector<Access> accesses;
  std::vector<std::string> notes;  // remarks about the finding, e.g. that a deadlock was also predicted
  // Set when minimisation replaced the schedule first found by a smaller one showing the same failure.
  bool minimized = false;
  ScheduleSize original;  // the schedule first found
  ScheduleSize minimal;   // the schedule kept (token, history)
  std::string original_token;
  // A cycle (a Livelock a stateful search found): the first step of the part that repeats.
  std::uint64_t cycle_from = 0;

  // Two findings are the same finding if they have the same kind at the same place (for a
  // two-sided finding, the same pair of places in either order).
  bool same_place(const Failure& other) const;
};

struct Report {
  std::uint64_t executions = 0;
  double seconds = 0;
  bool complete = false;  // the strategy covered its whole space
  std::uint64_t states = 0;  // states remembered (a stateful search; 0 for the others)
  bool interrupted = false;         // stopped from outside (a cancel flag, Ctrl-C)
  bool time_limit_reached = false;  // stopped by its time limit: the executions run depend on speed
  std::string strategy;
  std::vector<Failure> failures;
  // Why the search is not complete: every reason, in GapKind order; empty exactly when complete.
  std::vector<Gap> incomplete;

  bool ok() const { return failures.empty(); }
  const Failure* find(FailureKind kind) const;
};

// The gaps a search's end and its findings show (the strategies add their own): `stopped` at its
// first fatal failure, cut by its `budget`, out of time or interrupted (from `r`), executions
// cut at the step limit and what the model could not see (from r.failures).
std::vector<Gap> stop_gaps(const Report& r, bool stopped, bool budget);

}  // namespace sim
