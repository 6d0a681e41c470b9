// Checkers: one switch over the event kind, feeding every checker that is on.
#include "checker/checkers.hpp"

#include <type_traits>

namespace checker {

using sim::OpKind;

// Flattened: both resets in one frame (every execution pays this, however short).
[[gnu::flatten]] void Checkers::on_begin(const sim::Execution& exec) {
  if (checks_.races) races_.on_begin(exec);
  if (checks_.lock_order) locks_.on_begin(exec);
}

// One instance per kind, flattened (the checkers' handlers inlined into it, one frame) and kept
// out of on_event (noinline), so on_event itself needs no frame.
template <void (RaceDetector::*races)(const sim::Event&), auto locks>
[[gnu::flatten, gnu::noinline]] void Checkers::handle(const sim::Event& e) {
  if (checks_.races) (races_.*races)(e);
  if constexpr (!std::is_null_pointer_v<decltype(locks)>) {
    if (checks_.lock_order) (locks_.*locks)(e);
  }
}

// Only a jump table and a tail call: events no checker uses (unused_kinds) return before any
// register is saved, and each kind pays only for the frame its own handler needs.
void Checkers::on_event(const sim::Execution&, const sim::Event& e) {
  using R = RaceDetector;
  using L = LockGraph;
  switch (e.op.kind) {
    case OpKind::Read: return handle<&R::read>(e);
    case OpKind::Write: return handle<&R::write>(e);
    case OpKind::AtomicLoad: return handle<&R::load>(e);
    case OpKind::AtomicStore: return handle<&R::store>(e);
    case OpKind::AtomicRmw: return handle<&R::rmw>(e);
    case OpKind::Lock: return handle<&R::lock, &L::lock>(e);
    case OpKind::TryLock: return handle<&R::try_lock, &L::try_lock>(e);
    case OpKind::Unlock: return handle<&R::unlock, &L::unlock>(e);
    case OpKind::Wait: return handle<&R::wait, &L::wait>(e);
    case OpKind::Wake: return handle<&R::wake>(e);
    case OpKind::Notify: return handle<&R::notify>(e);
    case OpKind::NotifyAll: return handle<&R::notify_all>(e);
    case OpKind::Spawn: return handle<&R::spawn, &L::spawn>(e);
    case OpKind::Join: return handle<&R::join, &L::join>(e);
    default:
      // Usually dropped before they get here (ignored_kinds), unless another observer wants them.
      if ((unused_kinds >> static_cast<unsigned>(e.op.kind)) & 1) return;
      return handle<&R::toolbox>(e);
  }
}

}  // namespace checker
