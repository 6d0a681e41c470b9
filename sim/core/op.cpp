// Names of operation and object kinds, and value text.
#include "sim/core/op.hpp"

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
    case OpKind::LockShared: return "lock_shared";
    case OpKind::TryLockShared: return "try_lock_shared";
    case OpKind::UnlockShared: return "unlock_shared";
    case OpKind::Acquire: return "acquire";
    case OpKind::TryAcquire: return "try_acquire";
    case OpKind::Release: return "release";
    case OpKind::Arrive: return "arrive";
    case OpKind::Pass: return "pass";
    case OpKind::Open: return "open";
    case OpKind::Send: return "send";
    case OpKind::Recv: return "recv";
    case OpKind::Close: return "close";
    case OpKind::Select: return "select";
    case OpKind::Set: return "set";
    case OpKind::Get: return "get";
    case OpKind::WaitAny: return "wait_any";
    case OpKind::Resume: return "resume";
    case OpKind::FutexWait: return "futex_wait";
    case OpKind::FutexWoken: return "futex_woken";
    case OpKind::FutexWake: return "futex_wake";
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
