// Sync edges: the table of which toolbox events release and which acquire (see sync_edges.hpp).
#include "sim/sync/sync_edges.hpp"

namespace sim {

std::string_view to_string(SyncEdge edge) {
  switch (edge) {
    case SyncEdge::None: return "none";
    case SyncEdge::Acquire: return "acquire";
    case SyncEdge::Release: return "release";
    case SyncEdge::AcquireRelease: return "acquire-release";
    case SyncEdge::AcquireShared: return "acquire-shared";
    case SyncEdge::ReleaseShared: return "release-shared";
  }
  return "?";
}

SyncEdge sync_edge(const Event& e) {
  const SyncEdge if_done = e.flag ? SyncEdge::Acquire : SyncEdge::None;
  switch (e.op.kind) {
    case OpKind::LockShared: return SyncEdge::AcquireShared;
    case OpKind::TryLockShared: return e.flag ? SyncEdge::AcquireShared : SyncEdge::None;
    case OpKind::UnlockShared: return SyncEdge::ReleaseShared;
    case OpKind::Acquire: return SyncEdge::Acquire;
    case OpKind::TryAcquire: return if_done;  // flag: it took a count
    case OpKind::Release: return SyncEdge::Release;
    // Latch count_down and barrier arrivals release; a pass (flag: it got through, false only for a
    // latch's try_wait that found it closed) acquires; Open is a barrier phase's completion
    // function having run, released to that phase's passers.
    case OpKind::Arrive: return SyncEdge::Release;
    case OpKind::Pass: return if_done;
    case OpKind::Open: return SyncEdge::Release;
    // A send or receive acquires as well as releases: a receive is ordered before the send that
    // later finds room (the k-th receive before the (k+capacity)-th send completes, as in Go).
    // flag on Send: the second event of an unbuffered send, when a receiver took its value.
    case OpKind::Send: return e.flag ? SyncEdge::Acquire : SyncEdge::AcquireRelease;
    case OpKind::Recv: return SyncEdge::AcquireRelease;  // a receive of "closed" acquires the close
    case OpKind::Close: return SyncEdge::Release;
    case OpKind::Set: return SyncEdge::Release;
    case OpKind::Get: return SyncEdge::Acquire;
    // A futex wake releases to the sleepers it wakes (libstdc++'s futures and latches also order
    // memory through atomics on the word, which code in libstdc++.so does without instrumentation).
    case OpKind::FutexWake: return SyncEdge::Release;
    case OpKind::FutexWoken: return if_done;
    default: return SyncEdge::None;
  }
}

}  // namespace sim
