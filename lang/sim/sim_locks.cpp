// SimLocks and SimCounters: mutexes, rwlocks, conditions, latches and barriers as the sim
// primitives of the same name, and counting semaphores on the Execution's wait lists.
#include <limits>
#include <mutex>

#include "lang/sim/sim_backend.hpp"

namespace lang {

void SimLocks::lock(std::uint32_t n, sim::Location at) {
  SimMutex& m = b_.state().mutexes[n];
  if (m.plain != nullptr) return m.plain->lock(at);
  if (m.recursive != nullptr) return m.recursive->lock(at);
  m.timed->lock(at);
}

bool SimLocks::lock_for(std::uint32_t n, sim::Duration timeout, sim::Location at) { return b_.state().mutexes[n].timed->try_lock_for(timeout, at); }

void SimLocks::unlock(std::uint32_t n, sim::Location at) {
  SimMutex& m = b_.state().mutexes[n];
  if (m.plain != nullptr) return m.plain->unlock(at);
  if (m.recursive != nullptr) return m.recursive->unlock(at);
  m.timed->unlock(at);
}

void SimLocks::rw_lock(std::uint32_t n, Hold hold, sim::Location at) {
  sim::RwLock& rw = *b_.state().rwlocks[n];
  hold == Hold::Shared ? rw.lock_shared(at) : rw.lock(at);
}

void SimLocks::rw_unlock(std::uint32_t n, Hold hold, sim::Location at) {
  sim::RwLock& rw = *b_.state().rwlocks[n];
  hold == Hold::Shared ? rw.unlock_shared(at) : rw.unlock(at);
}

void SimLocks::wait(std::uint32_t condition, std::uint32_t mutex, sim::Location at) {
  sim::Mutex& m = *b_.state().mutexes[mutex].plain;
  // The scenario holds the mutex itself (lock block or acquire): lend it to the wait, never
  // let the unique_lock unlock it.
  std::unique_lock<sim::Mutex> lock(m, std::adopt_lock);
  struct Lend {
    std::unique_lock<sim::Mutex>& lock;
    ~Lend() { lock.release(); }
  } lend{lock};
  b_.state().conditions[condition]->wait(lock, at);
}

void SimLocks::notify(std::uint32_t condition, bool all, sim::Location at) {
  sim::CondVar& c = *b_.state().conditions[condition];
  if (all) return c.notify_all(at);
  c.notify_one(at);
}

SimCounters::SimCounters(SimBackend& b) : b_(b) {
  for (const Variable& v : b.program().vars) {
    if (v.kind != GlobalKind::Semaphore) continue;
    for (std::uint32_t i = 0; i < v.size; ++i) semaphore_names_.push_back(v.element_name(i));
  }
}

SimSemaphore& SimCounters::semaphore(std::uint32_t n) {
  SimSemaphore& s = b_.state().semaphores[n];
  b_.named_object(s.id, sim::ObjectKind::Atomic, semaphore_names_[n]);
  return s;
}

// A counting semaphore on the Execution's wait lists: acquire waits while the count is 0. Its
// steps are read-modify-writes of the count, which orders a release before the acquire it enables.
void SimCounters::acquire(std::uint32_t n, sim::Location at) {
  sim::Execution& e = b_.execution();
  SimSemaphore& s = semaphore(n);
  const sim::TaskId me = e.current_task();
  e.enlist(s.waiters, me, sim::Waiting{sim::OpKind::AtomicRmw, s.id, sim::no_task, at});
  if (s.count == 0) e.block(me);
  e.schedule(sim::OpKind::AtomicRmw, s.id, at);
  // Chosen to run, so the count is above zero.
  e.delist(s.waiters, me);
  --s.count;
  if (s.count == 0) e.block_all(s.waiters);
  e.publish(sim::OpKind::AtomicRmw, s.id, at, sim::ValueRef{&s.count, &show_int});
}

void SimCounters::release(std::uint32_t n, sim::Location at) {
  sim::Execution& e = b_.execution();
  SimSemaphore& s = semaphore(n);
  e.schedule(sim::OpKind::AtomicRmw, s.id, at);
  if (s.count == std::numeric_limits<std::int64_t>::max()) b_.fail(sim::FailureKind::AssertionFailed, "runtime error: semaphore count overflow", at);
  if (s.count == s.max) {
    // A release that would lift a semaphore above its declared max: the classic double release.
    b_.fail(sim::FailureKind::SyncMisuse,
            e.task_name(e.current_task()) + " releases semaphore " + semaphore_names_[n] + " past its max of " + std::to_string(s.max) +
                ": more releases than acquires",
            at);
  }
  ++s.count;
  e.unblock_all(s.waiters);
  e.publish(sim::OpKind::AtomicRmw, s.id, at, sim::ValueRef{&s.count, &show_int});
}

void SimCounters::count_down(std::uint32_t n, std::int64_t by, sim::Location at) { b_.state().latches[n]->count_down(by, at); }

void SimCounters::latch_wait(std::uint32_t n, sim::Location at) { b_.state().latches[n]->wait(at); }

void SimCounters::latch_arrive(std::uint32_t n, sim::Location at) { b_.state().latches[n]->arrive_and_wait(1, at); }

void SimCounters::barrier_arrive(std::uint32_t n, sim::Location at) { b_.state().barriers[n]->arrive_and_wait(at); }

void SimCounters::barrier_drop(std::uint32_t n, sim::Location at) { b_.state().barriers[n]->arrive_and_drop(at); }

}  // namespace lang
