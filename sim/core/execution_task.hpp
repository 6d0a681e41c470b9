// Internal to the Execution: a task slot, with the fiber that runs whatever task uses the slot.
#pragma once

#include <exception>
#include <memory>
#include <string>

#include "sim/core/errors.hpp"
#include "sim/core/execution.hpp"
#include "sim/core/fiber.hpp"

namespace sim {


// Slot n runs the n-th task of every execution on the same fiber: the fiber parks when its
// task finishes and picks up the slot's next task in a later execution.
struct Execution::Task {
  Task(Execution& e, std::size_t stack_size) : exec(e), fiber(std::make_unique<Fiber>(&Task::entry, this, stack_size)) {}
  static void entry(void* self);

  Execution& exec;
  std::unique_ptr<Fiber> fiber;  // replaced when a stopping execution abandons the task on it
  bool quit = false;
  TaskInfo info;
  bool started = false;
  bool default_name = false;
  bool crashed = false;      // its fiber's frames were dropped by a crash: reset before reuse
  bool handle_open = false;  // a sim::Thread still has to join or detach it
  std::uint64_t name_hash = 0;  // of info.name, for the execution's fingerprint
  Body body;
  WaitList joiners;
  TaskId woken_by = no_task;
  // What the task's uncaught exception was, from its catch block until it is reported (per
  // task: destroying the body may switch to another task that throws too).
  std::string thrown;
};

}  // namespace sim
