// Op traits: what each operation kind means to the code that reads events - one row per kind.
//
// DPOR (what a step touches), the race detector and lock graph (how it orders memory and locks),
// the story (how it is told) and the timeline read a kind only through its row here, and switch
// over OpRole, never over OpKind. A new kind is one row in op_row() below (or, for a Sync one, its
// name in op_row()'s list and its row in sync_row()) - a compile error until it has one - and, if
// no role fits, a new OpRole, a compile error in every consumer until each handles it (none has a
// default branch).
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "sim/core/op.hpp"

namespace sim {

enum class OpRole : std::uint8_t {
  Start, Yield, Finish,                // no object; no order beyond program order
  Sleep,                               // virtual time passes
  Print,                               // writes the output stream (its object, if any)
  Read, Write,                         // a plain variable (Shared<T>)
  AtomicLoad, AtomicStore, AtomicRmw,  // a sequentially consistent atomic
  Lock, TryLock, Unlock,               // a mutex, or the exclusive side of any lock
  Wait, Wake, Notify, NotifyAll,       // a condition variable
  Spawn, Join,                         // a thread
  Sync,                                // any other primitive: it orders memory as its SyncEdge says
};

// Sync edges: how an event of role Sync moves happens-before clocks.
//
// A checker keeps a vector clock C(o) per synchronising object o (and, for an
// RwLock, a second clock S(o) for its readers). An event's edge says how the clocks move:
//   Acquire         task ⊔= C(o)                  (the task now sees every release into o so far)
//   Release         C(o) ⊔= task; tick the task   (a join, not an assignment: several tasks release
//                                                   into one semaphore, channel or latch)
//   AcquireRelease  Acquire, then Release
//   AcquireShared   task ⊔= C(o)                  (a reader sees the writers' releases, not other readers')
//   ReleaseShared   S(o) ⊔= task; tick the task   (and an exclusive Lock/TryLock of o joins S(o) too,
//                                                   so a writer sees every reader before it)
// The exclusive side of an RwLock, the recursive and timed mutexes publish Lock, TryLock and
// Unlock, which checkers already treat as a mutex's acquire and release.
//
// One clock per object over-approximates some primitives (a receive sees every send made so far,
// not only the one it took; a barrier's passers see the completion and every arrival): sound, in
// that it never invents a race, at the price of missing a few.
enum class SyncEdge : std::uint8_t { None, Acquire, Release, AcquireRelease, AcquireShared, ReleaseShared };
std::string_view to_string(SyncEdge edge);

struct OpTraits {
  std::string_view name;  // in stories and JSON: "read", "atomic load", "try_lock"
  OpRole role;
  SyncEdge edge = SyncEdge::None;          // role Sync: the event's edge ...
  SyncEdge edge_flagged = SyncEdge::None;  // ... and its edge when Event::flag is set
  bool releases = false;  // only gives something up: may run in a destructor while its task unwinds
};

namespace detail {
// The toolbox's kinds (role Sync), told apart by their edges. Only op_row() calls it, with one of
// the kinds it lists as Sync; the check after op_table catches a kind listed there without a row here.
constexpr OpTraits sync_row(OpKind kind) {
  using E = SyncEdge;
  using R = OpRole;
  switch (kind) {
    // An RwLock's shared side (flag on a try: it took the lock).
    case OpKind::LockShared: return {"lock_shared", R::Sync, E::AcquireShared, E::AcquireShared};
    case OpKind::TryLockShared: return {"try_lock_shared", R::Sync, E::None, E::AcquireShared};
    case OpKind::UnlockShared: return {"unlock_shared", R::Sync, E::ReleaseShared, E::ReleaseShared};
    // A semaphore (flag on a try: it took a count).
    case OpKind::Acquire: return {"acquire", R::Sync, E::Acquire, E::Acquire};
    case OpKind::TryAcquire: return {"try_acquire", R::Sync, E::None, E::Acquire};
    case OpKind::Release: return {"release", R::Sync, E::Release, E::Release};
    // Latch count_down and barrier arrivals release; a pass (flag: it got through, false only for
    // a latch's try_wait that found it closed) acquires; Open is a barrier phase's completion
    // function having run, released to that phase's passers.
    case OpKind::Arrive: return {"arrive", R::Sync, E::Release, E::Release};
    case OpKind::Pass: return {"pass", R::Sync, E::None, E::Acquire};
    case OpKind::Open: return {"open", R::Sync, E::Release, E::Release};
    // A send or receive acquires as well as releases: a receive is ordered before the send that
    // later finds room (the k-th receive before the (k+capacity)-th send completes, as in Go).
    // Flag on Send: the second event of an unbuffered send, when a receiver took its value. A
    // receive of "closed" acquires the close.
    case OpKind::Send: return {"send", R::Sync, E::AcquireRelease, E::Acquire};
    case OpKind::Recv: return {"recv", R::Sync, E::AcquireRelease, E::AcquireRelease};
    case OpKind::Close: return {"close", R::Sync, E::Release, E::Release};
    case OpKind::Select: return {"select", R::Sync};
    case OpKind::Set: return {"set", R::Sync, E::Release, E::Release};
    case OpKind::Get: return {"get", R::Sync, E::Acquire, E::Acquire};
    case OpKind::WaitAny: return {"wait_any", R::Sync};
    case OpKind::Resume: return {"resume", R::Sync};
    // Futex words of unmodified programs (interpose/): a wake releases to the sleepers it wakes,
    // and a sleeper's return that a wake ended (flag) acquires (libstdc++'s futures and latches
    // also order memory through atomics on the word, which code in libstdc++.so does without
    // instrumentation). The wait itself only looks at the word.
    case OpKind::FutexWait: return {"futex_wait", R::Sync};
    case OpKind::FutexWoken: return {"futex_woken", R::Sync, E::None, E::Acquire};
    case OpKind::FutexWake: return {"futex_wake", R::Sync, E::Release, E::Release, true};
    default: break;
  }
  return {"?", R::Sync};
}

// No default branch: a new kind is a compile error (-Wswitch, and werror) until it is listed here.
constexpr OpTraits op_row(OpKind kind) {
  using E = SyncEdge;
  using R = OpRole;
  switch (kind) {
    case OpKind::Spawn: return {"spawn", R::Spawn};
    case OpKind::Start: return {"start", R::Start};
    case OpKind::Yield: return {"yield", R::Yield};
    case OpKind::Read: return {"read", R::Read};
    case OpKind::Write: return {"write", R::Write};
    case OpKind::AtomicLoad: return {"atomic load", R::AtomicLoad};
    case OpKind::AtomicStore: return {"atomic store", R::AtomicStore};
    case OpKind::AtomicRmw: return {"atomic update", R::AtomicRmw};
    case OpKind::Lock: return {"lock", R::Lock};
    case OpKind::TryLock: return {"try_lock", R::TryLock};
    case OpKind::Unlock: return {"unlock", R::Unlock, E::None, E::None, true};
    case OpKind::Wait: return {"wait", R::Wait};
    case OpKind::Wake: return {"wake", R::Wake};
    case OpKind::Notify: return {"notify_one", R::Notify, E::None, E::None, true};
    case OpKind::NotifyAll: return {"notify_all", R::NotifyAll, E::None, E::None, true};
    case OpKind::Join: return {"join", R::Join, E::None, E::None, true};
    case OpKind::Sleep: return {"sleep", R::Sleep};
    case OpKind::Finish: return {"finish", R::Finish, E::None, E::None, true};
    case OpKind::Print: return {"print", R::Print};
    // Ordered with every other seq_cst fence, as an update of one object is with every other.
    case OpKind::Fence: return {"fence", R::AtomicRmw};
    case OpKind::LockShared: case OpKind::TryLockShared: case OpKind::UnlockShared:
    case OpKind::Acquire: case OpKind::TryAcquire: case OpKind::Release:
    case OpKind::Arrive: case OpKind::Pass: case OpKind::Open:
    case OpKind::Send: case OpKind::Recv: case OpKind::Close: case OpKind::Select:
    case OpKind::Set: case OpKind::Get: case OpKind::WaitAny: case OpKind::Resume:
    case OpKind::FutexWait: case OpKind::FutexWoken: case OpKind::FutexWake:
      return sync_row(kind);
  }
  return {"?", R::Yield};
}

// Kinds are bits of a 64-bit mask (Observer::ignored_kinds), so 64 rows hold them all.
inline constexpr auto op_table = [] {
  std::array<OpTraits, 64> rows{};
  for (unsigned k = 0; k < rows.size(); ++k) rows[k] = op_row(static_cast<OpKind>(k));
  return rows;
}();
// A kind that op_row() hands to sync_row() without a row there would be a nameless Sync row.
static_assert([] {
  for (const OpTraits& row : op_table) {
    if (row.role == OpRole::Sync && row.name == "?") return false;
  }
  return true;
}(), "a kind op_row() lists as Sync has no row in sync_row()");
}  // namespace detail

constexpr const OpTraits& traits(OpKind kind) { return detail::op_table[static_cast<std::uint8_t>(kind) & 63]; }

// The edge of one event (None for every role but Sync).
constexpr SyncEdge sync_edge(const Event& e) {
  const OpTraits& t = traits(e.op.kind);
  return e.flag ? t.edge_flagged : t.edge;
}

// Kinds that order nothing, for any checker: no memory, no lock, no thread, no edge.
constexpr bool orders_nothing(OpKind kind) {
  const OpTraits& t = traits(kind);
  switch (t.role) {
    case OpRole::Start:
    case OpRole::Yield:
    case OpRole::Finish:
    case OpRole::Sleep:
    case OpRole::Print:
      return true;
    case OpRole::Sync:
      return t.edge == SyncEdge::None && t.edge_flagged == SyncEdge::None;
    case OpRole::Read:
    case OpRole::Write:
    case OpRole::AtomicLoad:
    case OpRole::AtomicStore:
    case OpRole::AtomicRmw:
    case OpRole::Lock:
    case OpRole::TryLock:
    case OpRole::Unlock:
    case OpRole::Wait:
    case OpRole::Wake:
    case OpRole::Notify:
    case OpRole::NotifyAll:
    case OpRole::Spawn:
    case OpRole::Join:
      return false;
  }
  return false;
}

// The kinds (as bits, 1 << kind, as Observer::ignored_kinds has them) for which `pick` holds.
template <class Pick>
constexpr std::uint64_t kinds_where(Pick pick) {
  std::uint64_t bits = 0;
  for (unsigned k = 0; k < 64; ++k) {
    const auto kind = static_cast<OpKind>(k);
    if (traits(kind).name != "?" && pick(kind)) bits |= std::uint64_t{1} << k;
  }
  return bits;
}

}  // namespace sim
