// Checkers: one switch over the event kind, feeding every checker that is on.
#include "checker/checkers.hpp"

namespace checker {

using sim::OpKind;

// Only a jump table and a tail call: events no checker uses (Start, Finish, Yield, ...) return
// before any register is saved, and each kind pays only for the frame its own handler needs.
void Checkers::on_event(const sim::Execution&, const sim::Event& e) {
  switch (e.op.kind) {
    case OpKind::Read: return read(e);
    case OpKind::Write: return write(e);
    case OpKind::AtomicLoad: return load(e);
    case OpKind::AtomicStore: return store(e);
    case OpKind::AtomicRmw: return rmw(e);
    case OpKind::Lock: return lock(e);
    case OpKind::TryLock: return try_lock(e);
    case OpKind::Unlock: return unlock(e);
    case OpKind::Wait: return wait(e);
    case OpKind::Wake: return wake(e);
    case OpKind::Notify: return notify(e);
    case OpKind::NotifyAll: return notify_all(e);
    case OpKind::Spawn: return spawn(e);
    case OpKind::Join: return join(e);
    case OpKind::Start:
    case OpKind::Yield:
    case OpKind::Sleep:
    case OpKind::Finish:
    case OpKind::Print: return;  // order nothing; listed so the common ones skip the toolbox table
    default: return toolbox(e);
  }
}

// Each handler is flattened (the checkers' handlers inlined into it, one frame) and kept out of
// on_event (noinline), so on_event itself needs no frame.
[[gnu::flatten, gnu::noinline]] void Checkers::read(const sim::Event& e) {
  if (checks_.races) races_.read(e);
}
[[gnu::flatten, gnu::noinline]] void Checkers::write(const sim::Event& e) {
  if (checks_.races) races_.write(e);
}
[[gnu::flatten, gnu::noinline]] void Checkers::load(const sim::Event& e) {
  if (checks_.races) races_.load(e);
}
[[gnu::flatten, gnu::noinline]] void Checkers::store(const sim::Event& e) {
  if (checks_.races) races_.store(e);
}
[[gnu::flatten, gnu::noinline]] void Checkers::rmw(const sim::Event& e) {
  if (checks_.races) races_.rmw(e);
}
[[gnu::flatten, gnu::noinline]] void Checkers::lock(const sim::Event& e) {
  if (checks_.races) races_.lock(e);
  if (checks_.lock_order) locks_.lock(e);
}
[[gnu::flatten, gnu::noinline]] void Checkers::try_lock(const sim::Event& e) {
  if (checks_.races) races_.try_lock(e);
  if (checks_.lock_order) locks_.try_lock(e);
}
[[gnu::flatten, gnu::noinline]] void Checkers::unlock(const sim::Event& e) {
  if (checks_.races) races_.unlock(e);
  if (checks_.lock_order) locks_.unlock(e);
}
[[gnu::flatten, gnu::noinline]] void Checkers::wait(const sim::Event& e) {
  if (checks_.races) races_.wait(e);
  if (checks_.lock_order) locks_.wait(e);
}
[[gnu::flatten, gnu::noinline]] void Checkers::wake(const sim::Event& e) {
  if (checks_.races) races_.wake(e);
}
[[gnu::flatten, gnu::noinline]] void Checkers::notify(const sim::Event& e) {
  if (checks_.races) races_.notify(e);
}
[[gnu::flatten, gnu::noinline]] void Checkers::notify_all(const sim::Event& e) {
  if (checks_.races) races_.notify_all(e);
}
[[gnu::flatten, gnu::noinline]] void Checkers::spawn(const sim::Event& e) {
  if (checks_.races) races_.spawn(e);
  if (checks_.lock_order) locks_.spawn(e);
}
[[gnu::flatten, gnu::noinline]] void Checkers::join(const sim::Event& e) {
  if (checks_.races) races_.join(e);
  if (checks_.lock_order) locks_.join(e);
}
[[gnu::flatten, gnu::noinline]] void Checkers::toolbox(const sim::Event& e) {
  if (checks_.races) races_.toolbox(e);
}

}  // namespace checker
