// SpinLog: what a task did since it last changed anything, so a loop that waits can be parked.
//
// The spin-loop rule. A loop that only waits for another task (`while (!flag) {}`, Peterson's
// `while (flag[other] && turn == other)`, a poll under a lock, anything that calls yield) gives a
// strategy endless schedules: PCT starves the task it waits for, DFS and DPOR never finish. So:
//   - a task that yields is parked until some task makes a visible change;
//   - a task whose last two stretches of steps were the same operations at the same places, with
//     no change of its own and none to what it read, is parked until one of the values it read
//     changes. Two identical stretches, not one, so that `x = a + a` is not taken for a loop;
//   - a parked task is not runnable. When nobody else can run, every parked task is resumed (the
//     strategy chooses among them as usual, so code that yields and then does something else
//     still interleaves); if that happens `quiet_limit` times and nobody changes anything in
//     between, the execution ends with a Livelock finding naming the loops.
// What counts as a change: any step that may write (a write, a store, an update, a notify, a
// channel or semaphore operation, a task's start or end) and, for parked yielders, an unlock. A
// lock taken and given back by the spinning task itself is part of its loop, not a change: a
// poll under a lock is still a spin. Updates (exchange, compare-and-swap, try_lock) count as
// changes even when they fail: a loop made of them parks only if it yields.
// What this costs in coverage: a loop that gives up after N unchanged reads is explored only
// through its waiting path unless nobody else can run (the fair-scheduler assumption of CHESS).
#pragma once

#include <array>
#include <cstdint>

#include "sim/core/ids.hpp"
#include "sim/core/op.hpp"

namespace sim {

enum class SpinRole : std::uint8_t {
  Ignore,    // says nothing about a loop (a task's start, a yield: parked on its own)
  Read,      // its value is what the loop waits on
  Position,  // part of a loop's shape, not a change (a lock the spinner takes and gives back)
  Change,    // may change what another task reads
};

constexpr SpinRole spin_role(OpKind kind) {
  switch (kind) {
    case OpKind::Start: case OpKind::Yield: return SpinRole::Ignore;
    case OpKind::Read: case OpKind::AtomicLoad: return SpinRole::Read;
    case OpKind::Lock: case OpKind::Unlock: case OpKind::LockShared: case OpKind::UnlockShared:
    case OpKind::Join: case OpKind::Get:
      return SpinRole::Position;
    case OpKind::Spawn: case OpKind::Write: case OpKind::AtomicStore: case OpKind::AtomicRmw:
    case OpKind::TryLock: case OpKind::Wait: case OpKind::Wake: case OpKind::Notify: case OpKind::NotifyAll:
    case OpKind::Sleep: case OpKind::Finish: case OpKind::Print: case OpKind::TryLockShared:
    case OpKind::Acquire: case OpKind::TryAcquire: case OpKind::Release: case OpKind::Arrive: case OpKind::Pass:
    case OpKind::Open: case OpKind::Send: case OpKind::Recv: case OpKind::Close: case OpKind::Select:
    case OpKind::Set: case OpKind::WaitAny: case OpKind::Resume: case OpKind::FutexWait: case OpKind::FutexWoken:
    case OpKind::FutexWake: case OpKind::Fence:
      return SpinRole::Change;
  }
  return SpinRole::Change;
}

struct SpinEntry {
  const char* file = nullptr;  // the place, by pointer: the same site has the same string
  std::uint32_t line = 0;
  ObjectId object = no_object;
  std::uint32_t version = 0;  // of the object when read (Read entries only)
  OpKind kind = OpKind::Start;
  bool same_place(const SpinEntry& o) const {
    return file == o.file && line == o.line && object == o.object && kind == o.kind;
  }
};

struct SpinLog {
  static constexpr std::uint32_t capacity = 16;  // a loop of up to 8 steps is recognised
  std::array<SpinEntry, capacity> entries;
  std::uint8_t count = 0;
  bool parked = false;
  bool watch_any = false;      // parked by a yield: any change wakes it
  std::uint8_t watch_from = 0;  // parked by a loop: the Read entries from here on are its watch

  void clear() { count = 0; }
  void add(const SpinEntry& e) {
    if (count == capacity) {  // keep the newer half: a loop is recognised from its last steps
      for (std::uint32_t i = 0; i < capacity / 2; ++i) entries[i] = entries[i + capacity / 2];
      count = capacity / 2;
    }
    entries[count++] = e;
  }
};

}  // namespace sim
