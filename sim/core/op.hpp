// Operations and events: what a task is about to do, and what it did.
#pragma once

#include <string>
#include <string_view>

#include "sim/core/ids.hpp"

namespace sim {

enum class OpKind : std::uint8_t {
  Spawn, Start, Yield, Read, Write, AtomicLoad, AtomicStore, AtomicRmw,
  Lock, TryLock, Unlock, Wait, Wake, Notify, NotifyAll, Join, Sleep, Finish,
  Print,  // a scenario's `print`: the event's value is the text printed
  // The concurrency toolbox (rwlock, semaphore, latch, barrier, channel, future, event loop).
  // sim/core/op_traits.hpp says what each means to checkers, DPOR and stories.
  LockShared, TryLockShared, UnlockShared,  // RwLock's shared side (its exclusive side: Lock, TryLock, Unlock)
  Acquire, TryAcquire, Release,             // CountingSemaphore; Release's value is the count released
  Arrive, Pass, Open,                       // Latch, Barrier: count down / arrive; get through; a phase's completion ran
  Send, Recv, Close, Select,                // Channel; Select only for a select that took its default
  Set, Get, WaitAny,                        // Promise sets, Future gets; as_completed waits for the next future
  Resume,                                   // an event loop resumes a coroutine (the value is its name)
  // Futex words of unmodified programs (interpose/): a wait announced (flag: the word held the
  // expected value, so it sleeps), the sleeper's return (flag: a wake, not its timeout, ended it),
  // a wake (value: how many it woke).
  FutexWait, FutexWoken, FutexWake,
  Fence,  // a seq_cst fence: a step on the execution's one fence object (Execution::fence_object)
};
std::string_view to_string(OpKind kind);

enum class ObjectKind : std::uint8_t {
  Thread, Mutex, CondVar, Shared, Atomic,
  RwLock, RecursiveMutex, TimedMutex, Semaphore, Latch, Barrier, Channel, Select, Future, AsCompleted, EventLoop,
  Futex,  // a futex word of an unmodified program
};
std::string_view to_string(ObjectKind kind);

struct Op {
  ObjectId object = no_object;
  OpKind kind = OpKind::Yield;
  Location where;
};

// A value read or written, formatted only if an observer asks for its text.
struct ValueRef {
  const void* ptr = nullptr;
  void (*format)(const void* ptr, std::string& out) = nullptr;

  bool present() const { return ptr != nullptr; }
  std::string text() const;
};

// A completed visible operation, published to observers in step order.
struct Event {
  StepIndex step{0};
  TaskId task = no_task;
  Op op;
  ValueRef value;
  // The other task involved, if any: the child of a Spawn, the task joined, the notifier of a Wake.
  TaskId peer = no_task;
  // For TryLock: whether it succeeded; for Wait/Wake: whether the wake-up was spurious.
  // For the toolbox kinds see sim/core/op_traits.hpp (a try that succeeded, a receive that got a value, ...).
  bool flag = false;
  // The scheduler switched to this task while the one before could have gone on.
  bool preempted = false;
};

}  // namespace sim
