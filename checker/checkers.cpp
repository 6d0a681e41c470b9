// Checkers: one switch over the event kind, feeding every checker that is on.
#include "checker/checkers.hpp"

namespace checker {

using sim::OpKind;

// Flattened: every handler is inlined into this one switch (one frame, no call per checker).
[[gnu::flatten]] void Checkers::on_event(const sim::Execution&, const sim::Event& e) {
  const bool races = checks_.races;
  const bool locks = checks_.lock_order;
  switch (e.op.kind) {
    case OpKind::Read: if (races) races_.read(e); break;
    case OpKind::Write: if (races) races_.write(e); break;
    case OpKind::AtomicLoad: if (races) races_.load(e); break;
    case OpKind::AtomicStore: if (races) races_.store(e); break;
    case OpKind::AtomicRmw: if (races) races_.rmw(e); break;
    case OpKind::Lock:
      if (races) races_.lock(e);
      if (locks) locks_.lock(e);
      break;
    case OpKind::TryLock:
      if (races) races_.try_lock(e);
      if (locks) locks_.try_lock(e);
      break;
    case OpKind::Unlock:
      if (races) races_.unlock(e);
      if (locks) locks_.unlock(e);
      break;
    case OpKind::Wait:
      if (races) races_.wait(e);
      if (locks) locks_.wait(e);
      break;
    case OpKind::Wake: if (races) races_.wake(e); break;
    case OpKind::Notify: if (races) races_.notify(e); break;
    case OpKind::NotifyAll: if (races) races_.notify_all(e); break;
    case OpKind::Spawn:
      if (races) races_.spawn(e);
      if (locks) locks_.spawn(e);
      break;
    case OpKind::Join:
      if (races) races_.join(e);
      if (locks) locks_.join(e);
      break;
    case OpKind::Start:
    case OpKind::Yield:
    case OpKind::Sleep:
    case OpKind::Finish:
    case OpKind::Print:
      break;  // order nothing; listed so the common ones skip the toolbox table
    default:
      if (races) races_.toolbox(e);
      break;
  }
}

}  // namespace checker
