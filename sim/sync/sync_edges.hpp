// Sync edges: which events of the concurrency toolbox order memory, for happens-before checkers.
//
// How this works: a checker keeps a vector clock C(o) per synchronising object o (and, for an
// RwLock, a second clock S(o) for its readers). An event's edge says how the clocks move:
//   Acquire         task ⊔= C(o)                  (the task now sees every release into o so far)
//   Release         C(o) ⊔= task; tick the task   (a join, not an assignment: several tasks release
//                                                   into one semaphore, channel or latch)
//   AcquireRelease  Acquire, then Release
//   AcquireShared   task ⊔= C(o)                  (a reader sees the writers' releases, not other readers')
//   ReleaseShared   S(o) ⊔= task; tick the task   (and an exclusive Lock/TryLock of o joins S(o) too,
//                                                   so a writer sees every reader before it)
// FutexWake releases, and a FutexWoken that a wake ended acquires (one clock per futex word).
// The exclusive side of an RwLock, the recursive and timed mutexes publish Lock, TryLock and
// Unlock, which checkers already treat as a mutex's acquire and release.
//
// One clock per object over-approximates some primitives (a receive sees every send made so far,
// not only the one it took; a barrier's passers see the completion and every arrival): sound, in
// that it never invents a race, at the price of missing a few.
#pragma once

#include <cstdint>
#include <string_view>

#include "sim/core/op.hpp"

namespace sim {

enum class SyncEdge : std::uint8_t { None, Acquire, Release, AcquireRelease, AcquireShared, ReleaseShared };
std::string_view to_string(SyncEdge edge);

// The edge of one event of the toolbox kinds (LockShared ... Resume); None for the kinds that
// checkers handle themselves (Lock, Unlock, Wait, Notify, Spawn, Join, atomics) and for those
// that order nothing.
SyncEdge sync_edge(const Event& e);

}  // namespace sim
