// Task states and the wait lists primitives keep their waiting tasks in.
#pragma once

#include <cstdint>

#include "sim/core/ids.hpp"
#include "sim/core/op.hpp"

namespace sim {

enum class TaskState : std::uint8_t { Runnable, Blocked, Finished };

// Tasks waiting on one object, in arrival order, linked through flat per-task arrays in the
// Execution (no allocation; add and remove are O(1)).
struct WaitList {
  TaskId head = no_task;
  TaskId tail = no_task;
};

// What a blocked task waits for, for deadlock stories.
struct Waiting {
  OpKind kind = OpKind::Yield;
  ObjectId object = no_object;
  TaskId holder = no_task;  // the task being joined (a mutex's holder is kept per object)
  Location where;
};

}  // namespace sim
