// Internal to the Execution: a task slot and the pooled worker fiber that runs it.
#pragma once

#include <exception>
#include <string>

#include "sim/execution.hpp"
#include "sim/fiber.hpp"

namespace sim {

[[noreturn]] void internal_error(const char* what);
// "std::runtime_error: what()" with the type name demangled.
std::string describe_exception(const std::exception& e);

struct Execution::Task {
  TaskInfo info;
  bool started = false;
  Body body;
  detail::Worker* worker = nullptr;
  Waiting waiting;
  WaitList joiners;
  TaskId woken_by = no_task;
};

namespace detail {

// A fiber that runs task after task; it is parked (not destroyed) between tasks.
struct Worker {
  Worker(Execution& e, std::size_t stack_size) : exec(e), fiber(&Worker::entry, this, stack_size) {}
  static void entry(void* self);

  Execution& exec;
  Fiber fiber;
  TaskId task = no_task;
  bool quit = false;
};

}  // namespace detail
}  // namespace sim
