// Task states, and the wait lists primitives keep their waiting tasks in (and the lists' links).
#pragma once

#include <cstdint>
#include <vector>

#include "sim/core/ids.hpp"
#include "sim/core/op.hpp"

namespace sim {

enum class TaskState : std::uint8_t { Runnable, Blocked, Finished };

// Tasks waiting on one object, in arrival order, linked through the execution's WaitLinks (no
// allocation; add and remove are O(1)).
struct WaitList {
  TaskId head = no_task;
  TaskId tail = no_task;
};

// The links of every WaitList of an execution: per task, the next and the previous task in the
// list it is in. One flat array each, indexed by task, so a list costs no allocation and a
// scheduling point that walks one reads contiguous memory.
class WaitLinks {
 public:
  // A new task slot, in no list.
  void add_slot() {
    next_.push_back(no_task);
    prev_.push_back(no_task);
  }
  // Slot `i` reused for a new task, in no list.
  void clear(std::uint32_t i) { next_[i] = prev_[i] = no_task; }
  void push_back(WaitList& list, TaskId t) {
    const std::uint32_t i = index(t);
    next_[i] = no_task;
    prev_[i] = list.tail;
    if (list.tail == no_task) {
      list.head = t;
    } else {
      next_[index(list.tail)] = t;
    }
    list.tail = t;
  }
  void remove(WaitList& list, TaskId t) {
    const std::uint32_t i = index(t);
    if (prev_[i] == no_task) {
      list.head = next_[i];
    } else {
      next_[index(prev_[i])] = next_[i];
    }
    if (next_[i] == no_task) {
      list.tail = prev_[i];
    } else {
      prev_[index(next_[i])] = prev_[i];
    }
    next_[i] = prev_[i] = no_task;
  }
  TaskId next(TaskId t) const { return next_[index(t)]; }

 private:
  std::vector<TaskId> next_;
  std::vector<TaskId> prev_;
};

// What a blocked task waits for, for deadlock stories.
struct Waiting {
  OpKind kind = OpKind::Yield;
  ObjectId object = no_object;
  TaskId holder = no_task;  // the task being joined (a mutex's holder is kept per object)
  Location where;
};

}  // namespace sim
