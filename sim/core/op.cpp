// Names of operation kinds (from their traits), object kinds and sync edges, and value text.
#include "sim/core/op.hpp"

#include "sim/core/op_traits.hpp"

namespace sim {

std::string_view to_string(OpKind kind) { return traits(kind).name; }

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

std::string_view to_string(ObjectKind kind) {
  switch (kind) {
    case ObjectKind::Thread: return "thread";
    case ObjectKind::Mutex: return "mutex";
    case ObjectKind::CondVar: return "condvar";
    case ObjectKind::Shared: return "shared";
    case ObjectKind::Atomic: return "atomic";
    case ObjectKind::RwLock: return "rwlock";
    case ObjectKind::RecursiveMutex: return "recursive_mutex";
    case ObjectKind::TimedMutex: return "timed_mutex";
    case ObjectKind::Semaphore: return "semaphore";
    case ObjectKind::Latch: return "latch";
    case ObjectKind::Barrier: return "barrier";
    case ObjectKind::Channel: return "channel";
    case ObjectKind::Select: return "select";
    case ObjectKind::Future: return "future";
    case ObjectKind::AsCompleted: return "as_completed";
    case ObjectKind::EventLoop: return "event_loop";
    case ObjectKind::Futex: return "futex";
  }
  return "?";
}

std::string ValueRef::text() const {
  std::string out;
  if (ptr != nullptr && format != nullptr) format(ptr, out);
  return out;
}

}  // namespace sim
