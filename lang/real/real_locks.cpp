// RealLocks and RealCounters: mutexes, conditions, rwlocks, semaphores, latches and barriers as
// state in the monitor, each wait registered so a deadlock across them is seen.
#include <algorithm>
#include <limits>

#include "lang/real/real_parts.hpp"

namespace lang {

RealLocks::RealLocks(RealMonitor& monitor, const Program& program) : m_(monitor) {
  mutexes_.resize(program.mutexes);
  for (const Variable& v : program.vars) {
    for (std::uint32_t i = 0; i < v.size; ++i) {
      if (v.kind == GlobalKind::Mutex) mutexes_[v.first + i] = Mutex{"mutex " + v.element_name(i), v.flavour};
      if (v.kind == GlobalKind::Condition) conditions_.push_back(Condition{"condition " + v.element_name(i)});
      if (v.kind == GlobalKind::RwLock) rwlocks_.push_back(RwLock{"rwlock " + v.element_name(i), v.flavour == Flavour::PreferWriters});
    }
  }
  mutexes_.push_back(Mutex{"the event loop"});
  mutexes_.push_back(Mutex{"the lock of 'atomic:' blocks"});
}

std::string RealLocks::holder(const Mutex& m) const { return m.name + (m.owner >= 0 ? " (held by " + m_.name(m.owner) + ")" : ""); }

void RealLocks::lock(std::uint32_t n, sim::Location at) {
  m_.step();
  RealMonitor::Guard g = m_.guard();
  Mutex& m = mutexes_[n];
  if (m.owner == RealMonitor::self()) {
    if (m.flavour == Flavour::Recursive) {
      ++m.count;
      return;
    }
    m_.fail_locked(g, sim::FailureKind::LockMisuse,
                   m_.name(RealMonitor::self()) + " locks " + m.name + " again while holding it (locked at " + sim::to_string(m.locked_at) + "); a non-recursive mutex deadlocks or worse",
                   at);
  }
  m_.block(g, [&m] { return m.owner < 0; }, [&] { return holder(m); });
  m.owner = RealMonitor::self();
  m.count = 1;
  m.locked_at = at;
}

bool RealLocks::lock_for(std::uint32_t n, sim::Duration timeout, sim::Location at) {
  m_.step();
  const RealMonitor::Clock::time_point deadline = RealMonitor::Clock::now() + timeout;
  RealMonitor::Guard g = m_.guard();
  Mutex& m = mutexes_[n];
  if (m.owner == RealMonitor::self()) {
    m_.fail_locked(g, sim::FailureKind::LockMisuse, m_.name(RealMonitor::self()) + " locks " + m.name + " again while holding it (locked at " + sim::to_string(m.locked_at) + ")", at);
  }
  if (!m_.block(g, [&m] { return m.owner < 0; }, [&] { return holder(m); }, &deadline)) return false;
  m.owner = RealMonitor::self();
  m.count = 1;
  m.locked_at = at;
  return true;
}

void RealLocks::unlock(std::uint32_t n, sim::Location at) {
  RealMonitor::Guard g = m_.guard();
  Mutex& m = mutexes_[n];
  if (m.owner != RealMonitor::self()) {
    const std::string held = m.owner < 0 ? ", which is not locked" : ", which " + m_.name(m.owner) + " holds (locked at " + sim::to_string(m.locked_at) + ")";
    m_.fail_locked(g, sim::FailureKind::LockMisuse, m_.name(RealMonitor::self()) + " unlocks " + m.name + held, at);
  }
  if (--m.count > 0) return;
  m.owner = -1;
  m_.wake();
}

void RealLocks::wait(std::uint32_t condition, std::uint32_t mutex, sim::Location at) {
  m_.step();
  RealMonitor::Guard g = m_.guard();
  Condition& c = conditions_[condition];
  Mutex& m = mutexes_[mutex];
  if (m.owner != RealMonitor::self()) m_.fail_locked(g, sim::FailureKind::LockMisuse, m_.name(RealMonitor::self()) + " waits on " + c.name + " without holding " + m.name, at);
  const std::uint64_t ticket = c.arrived++;
  const std::uint32_t count = m.count;
  m.owner = -1;
  m.count = 0;
  m_.wake();
  m_.block(g, [&c, ticket] { return c.released > ticket; }, [&] { return c.name + " (a notify)"; });
  m_.block(g, [&m] { return m.owner < 0; }, [&] { return holder(m) + " to return from waiting on " + c.name; });
  m.owner = RealMonitor::self();
  m.count = count;
  m.locked_at = at;
}

void RealLocks::notify(std::uint32_t condition, bool all, sim::Location) {
  m_.step();
  RealMonitor::Guard g = m_.guard();
  Condition& c = conditions_[condition];
  if (all) {
    c.released = c.arrived;
  } else if (c.released < c.arrived) {
    ++c.released;
  }
  m_.wake();
}

void RealLocks::rw_lock(std::uint32_t n, Hold hold, sim::Location at) {
  m_.step();
  RealMonitor::Guard g = m_.guard();
  RwLock& rw = rwlocks_[n];
  const bool reading = std::find(rw.readers.begin(), rw.readers.end(), RealMonitor::self()) != rw.readers.end();
  const std::string me = m_.name(RealMonitor::self());
  if (hold == Hold::Shared) {
    if (rw.writer == RealMonitor::self()) m_.fail_locked(g, sim::FailureKind::LockMisuse, me + " locks " + rw.name + " shared while holding it exclusively", at);
    if (reading) m_.fail_locked(g, sim::FailureKind::LockMisuse, me + " locks " + rw.name + " shared again while holding it shared", at);
    m_.block(g, [&rw] { return rw.writer < 0 && (!rw.prefer_writers || rw.writers_waiting == 0); },
             [&] { return rw.name + (rw.writer >= 0 ? " (held by " + m_.name(rw.writer) + ")" : " (a writer waits)"); });
    rw.readers.push_back(RealMonitor::self());
    return;
  }
  if (reading) {
    m_.fail_locked(g, sim::FailureKind::LockMisuse,
                   me + " locks " + rw.name + " exclusively while holding it shared: an upgrade waits for every reader to leave, itself included, so it deadlocks (unlock_shared first)",
                   at);
  }
  if (rw.writer == RealMonitor::self()) m_.fail_locked(g, sim::FailureKind::LockMisuse, me + " locks " + rw.name + " again while holding it", at);
  ++rw.writers_waiting;
  struct Waited {
    RwLock& rw;
    ~Waited() { --rw.writers_waiting; }
  } waited{rw};
  m_.block(g, [&rw] { return rw.writer < 0 && rw.readers.empty(); },
           [&] { return rw.name + " (held by " + (rw.writer >= 0 ? m_.name(rw.writer) : std::to_string(rw.readers.size()) + " reader(s)") + ")"; });
  rw.writer = RealMonitor::self();
}

void RealLocks::rw_unlock(std::uint32_t n, Hold hold, sim::Location) {
  RealMonitor::Guard g = m_.guard();
  RwLock& rw = rwlocks_[n];
  if (hold == Hold::Shared) {
    std::erase(rw.readers, RealMonitor::self());
  } else {
    rw.writer = -1;
  }
  m_.wake();
}

RealCounters::RealCounters(RealMonitor& monitor, const Program& program) : m_(monitor) {
  for (const Variable& v : program.vars) {
    for (std::uint32_t i = 0; i < v.size; ++i) {
      if (v.kind == GlobalKind::Semaphore) semaphores_.push_back(Semaphore{"semaphore " + v.element_name(i), v.initial, v.limit});
      if (v.kind == GlobalKind::Latch) latches_.push_back(Latch{"latch " + v.element_name(i), v.initial});
      if (v.kind == GlobalKind::Barrier) barriers_.push_back(Barrier{"barrier " + v.element_name(i), v.initial, v.initial});
    }
  }
}

void RealCounters::acquire(std::uint32_t n, sim::Location) {
  m_.step();
  RealMonitor::Guard g = m_.guard();
  Semaphore& s = semaphores_[n];
  m_.block(g, [&s] { return s.count > 0; }, [&] { return s.name + " (its count is 0)"; });
  --s.count;
}

void RealCounters::release(std::uint32_t n, sim::Location at) {
  m_.step();
  RealMonitor::Guard g = m_.guard();
  Semaphore& s = semaphores_[n];
  if (s.count == std::numeric_limits<std::int64_t>::max()) m_.fail_locked(g, sim::FailureKind::AssertionFailed, "runtime error: semaphore count overflow", at);
  if (s.count == s.max) {
    m_.fail_locked(g, sim::FailureKind::SyncMisuse,
                   m_.name(RealMonitor::self()) + " releases " + s.name + " past its max of " + std::to_string(s.max) + ": more releases than acquires", at);
  }
  ++s.count;
  m_.wake();
}

void RealCounters::count_down(std::uint32_t n, std::int64_t by, sim::Location at) {
  m_.step();
  RealMonitor::Guard g = m_.guard();
  Latch& l = latches_[n];
  if (by > l.count) {
    m_.fail_locked(g, sim::FailureKind::SyncMisuse,
                   m_.name(RealMonitor::self()) + " counts " + l.name + " down by " + std::to_string(by) + " with " + std::to_string(l.count) + " left: past zero", at);
  }
  l.count -= by;
  if (l.count == 0) m_.wake();
}

void RealCounters::latch_wait(std::uint32_t n, sim::Location) {
  m_.step();
  RealMonitor::Guard g = m_.guard();
  Latch& l = latches_[n];
  m_.block(g, [&l] { return l.count == 0; }, [&] { return l.name + " (" + std::to_string(l.count) + " left)"; });
}

void RealCounters::arrive(std::uint32_t n, Arrival arrival, sim::Location at) {
  m_.step();
  RealMonitor::Guard g = m_.guard();
  Barrier& b = barriers_[n];
  if (b.pending < 1) {
    m_.fail_locked(g, sim::FailureKind::SyncMisuse,
                   m_.name(RealMonitor::self()) + " arrives at " + b.name + " (1) when 0 arrivals are pending: more arrivals than the phase expects", at);
  }
  const std::uint64_t phase = b.phase;
  --b.pending;
  if (arrival == Arrival::Drop) --b.per_phase;
  if (b.pending == 0) {
    ++b.phase;
    b.pending = b.per_phase;
    m_.wake();
    return;
  }
  if (arrival == Arrival::Wait) {
    m_.block(g, [&b, phase] { return b.phase != phase; },
             [&] { return b.name + " (" + std::to_string(b.per_phase - b.pending) + " of " + std::to_string(b.per_phase) + " arrived)"; });
  }
}

}  // namespace lang
