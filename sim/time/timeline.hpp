// Timeline: one timing run of a body on the machine model, and its virtual timeline as a report.
//
//   sim::TimelineReport t = sim::timeline(body, {.machine = {.cores = 2}});
//   std::cout << sim::to_text(t);                       // makespan and a swimlane chart
//   sim::write_trace(sim::to_trace_json(t), "run.json", error);  // Chrome trace events (Perfetto)
//
// A timing run is one execution on strict virtual time, scheduled as an OS would: the running
// task goes on until it blocks, sleeps or computes, and then the lowest-numbered runnable task
// goes next; CPU work is time-sliced over the cores by the Machine (sim/time/machine.hpp). The
// recorder is an observer: it notes when each task starts and ends; the Machine notes what each
// task did with its time. Same body, same model: the same timeline, to the nanosecond.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/failure.hpp"
#include "sim/time/machine.hpp"

namespace sim {

struct TimelineOptions {
  MachineModel machine{};
  std::uint32_t max_steps = 10'000'000;  // a task that spins without computing takes no time
  std::size_t stack_size = 256 * 1024;
};

struct TimelineTask {
  std::string name;
  std::uint32_t process = 0;
  Nanos start = 0;
  Nanos end = 0;  // when it finished (the makespan if it never did)
};

struct TimelineReport {
  MachineModel machine{};
  Nanos makespan = 0;               // virtual time from the start to the last task's end
  std::vector<TimelineTask> tasks;  // by task id: main first
  std::vector<Segment> segments;    // in the order they ended
  std::optional<Failure> failure;   // the run stopped on this (an assertion, a deadlock, ...)
  std::uint32_t processes = 1;

  // Virtual time task `t` spent in segments of `kind`.
  Nanos total(TaskId t, SegmentKind kind) const;
};

TimelineReport timeline(const std::function<void()>& body, const TimelineOptions& options = {});

struct TimelineTextOptions {
  std::uint32_t width = 64;  // columns of the chart
};
// The makespan, one row per core and one per task, a legend, and the failure if any.
std::string to_text(const TimelineReport& report, const TimelineTextOptions& options = {});
// Chrome trace-event JSON: {"traceEvents": [...]} with complete ("X") events in microseconds,
// the cores as one process and the tasks as another, named by metadata ("M") events.
std::string to_trace_json(const TimelineReport& report);
// Writes to_trace_json to `path` through a temporary name renamed into place; false (and
// `error` set) if it cannot.
bool write_trace(const std::string& json, const std::string& path, std::string& error);
// "1.5 s", "250 ms", "20 µs", "7 ns": the shortest exact unit.
std::string format_duration(Nanos d);

}  // namespace sim
