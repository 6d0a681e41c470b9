// Names of operation and object kinds, and value text.
#include "sim/op.hpp"

namespace sim {

std::string_view to_string(OpKind kind) {
  switch (kind) {
    case OpKind::Spawn: return "spawn";
    case OpKind::Start: return "start";
    case OpKind::Yield: return "yield";
    case OpKind::Read: return "read";
    case OpKind::Write: return "write";
    case OpKind::AtomicLoad: return "atomic load";
    case OpKind::AtomicStore: return "atomic store";
    case OpKind::AtomicRmw: return "atomic update";
    case OpKind::Lock: return "lock";
    case OpKind::TryLock: return "try_lock";
    case OpKind::Unlock: return "unlock";
    case OpKind::Wait: return "wait";
    case OpKind::Wake: return "wake";
    case OpKind::Notify: return "notify_one";
    case OpKind::NotifyAll: return "notify_all";
    case OpKind::Join: return "join";
    case OpKind::Sleep: return "sleep";
    case OpKind::Finish: return "finish";
    case OpKind::Print: return "print";
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
  }
  return "?";
}

std::string ValueRef::text() const {
  std::string out;
  if (ptr != nullptr && format != nullptr) format(ptr, out);
  return out;
}

}  // namespace sim
