// RealBackend: cells through atomic_ref, the monitor's mutexes, conditions and semaphores, deadlock
// detection from what the waiting threads wait for, and the first finding that stops a run.
#include "lang/real/real_backend.hpp"

#include <algorithm>
#include <limits>
#include <thread>

#include "sim/real/real_runner.hpp"

namespace lang {

namespace {

thread_local std::int32_t t_self = -1;  // the scenario thread this OS thread runs (threads() is main)

std::string element_name(const Variable& v, std::uint32_t i) { return v.array ? v.name + "[" + std::to_string(i) + "]" : v.name; }

}  // namespace

RealBackend::RealBackend(const Program& program, Noise noise) : p_(program), noise_(noise) {
  atomic_cell_.resize(program.cell_names.size());
  mutexes_.resize(program.mutexes);
  for (const Variable& v : program.vars) {
    for (std::uint32_t i = 0; i < v.size; ++i) {
      switch (v.kind) {
        case GlobalKind::Atomic: atomic_cell_[v.first + i] = true; break;
        case GlobalKind::Mutex: mutexes_[v.first + i] = Mutex{"mutex " + element_name(v, i), v.flavour}; break;
        case GlobalKind::Condition: conditions_.push_back(Condition{"condition " + element_name(v, i)}); break;
        case GlobalKind::Semaphore: semaphores_.push_back(Semaphore{"semaphore " + element_name(v, i), v.initial, v.limit}); break;
        case GlobalKind::RwLock: rwlocks_.push_back(RwLock{"rwlock " + element_name(v, i), v.flavour == Flavour::PreferWriters}); break;
        case GlobalKind::Latch: latches_.push_back(Latch{"latch " + element_name(v, i), v.initial}); break;
        case GlobalKind::Barrier: barriers_.push_back(Barrier{"barrier " + element_name(v, i), v.initial, v.initial}); break;
        case GlobalKind::Channel: channels_.push_back(Channel{"channel " + element_name(v, i), v.limit}); break;
        case GlobalKind::Future: futures_.push_back(Future{element_name(v, i)}); break;
        case GlobalKind::Pool: pools_.push_back(Pool{element_name(v, i), 0, static_cast<std::uint32_t>(v.initial)}); break;
        default: break;
      }
    }
  }
  mutexes_.push_back(Mutex{"the event loop"});
  mutexes_.push_back(Mutex{"the lock of 'atomic:' blocks"});
  for (const ThreadSpec& t : program.threads) names_.push_back(t.name);
  main_ = static_cast<std::uint32_t>(names_.size());
  threads_left_ = main_;
  names_.push_back("main");
  for (Pool& pool : pools_) {
    pool.first_worker = static_cast<std::uint32_t>(names_.size());
    pool.running = pool.size;
    for (std::uint32_t k = 0; k < pool.size; ++k) names_.push_back(pool.name + ".worker" + std::to_string(k));
  }
  waiting_.resize(names_.size());
}

const std::string& RealBackend::name(std::int32_t thread) const {
  return thread >= 0 && static_cast<std::size_t>(thread) < names_.size() ? names_[static_cast<std::size_t>(thread)] : names_[main_];
}

void RealBackend::expect(std::uint32_t live) {
  Guard g(m_);
  live_ = live;
}

void RealBackend::enter(std::uint32_t thread) { t_self = static_cast<std::int32_t>(thread); }

std::int32_t RealBackend::self() { return t_self; }

void RealBackend::leave() {
  Guard g(m_);
  --live_;
  waiting_[static_cast<std::size_t>(t_self)] = {};
  ended(t_self);
  // The threads left may all be waiting for something only this one could have given.
  if (live_ > 0 && deadlocked()) declare_deadlock();
}

void RealBackend::uncaught(const std::string& what) {
  Guard g(m_);
  record(sim::FailureKind::UncaughtException, name(t_self) + " threw " + what, sim::Location{}, {});
}

void RealBackend::stop() {
  Guard g(m_);
  stopping_.store(true, std::memory_order_relaxed);
  cv_.notify_all();
}

std::optional<RealFailure> RealBackend::failure() const {
  Guard g(m_);
  return failure_;
}

void RealBackend::record(sim::FailureKind kind, std::string message, sim::Location at, std::vector<std::string> details) {
  if (!failure_) failure_ = RealFailure{kind, std::move(message), at, name(t_self), std::move(details)};
  stopping_.store(true, std::memory_order_relaxed);
  cv_.notify_all();
}

void RealBackend::fail(sim::FailureKind kind, std::string message, sim::Location at, std::vector<std::string> details) {
  Guard g(m_);
  fail_locked(g, kind, std::move(message), at, std::move(details));
}

void RealBackend::fail_locked(Guard&, sim::FailureKind kind, std::string message, sim::Location at, std::vector<std::string> details) {
  record(kind, std::move(message), at, std::move(details));
  throw RealStop{};  // the guard unlocks as this unwinds
}

void RealBackend::step() {
  if (stopping_.load(std::memory_order_relaxed)) [[unlikely]] throw RealStop{};
}

// A shared access: noise first (it widens the window between this access and the last), then the stop check.
void RealBackend::access() {
  if (noise_ == Noise::Yields) sim::detail::real_noise();
  step();
}

std::int64_t RealBackend::load(std::uint32_t cell, sim::Location, bool step_taken) {
  if (step_taken) access();
  return std::atomic_ref<std::int64_t>(cells_[cell]).load(atomic_cell_[cell] ? std::memory_order_seq_cst : std::memory_order_relaxed);
}

void RealBackend::store(std::uint32_t cell, std::int64_t value, sim::Location, bool step_taken) {
  if (step_taken) access();
  std::atomic_ref<std::int64_t>(cells_[cell]).store(value, atomic_cell_[cell] ? std::memory_order_seq_cst : std::memory_order_relaxed);
}

std::int64_t RealBackend::update(std::uint32_t cell, Next next, void* context, sim::Location, bool step_taken) {
  if (step_taken) access();
  std::atomic_ref<std::int64_t> value(cells_[cell]);
  std::int64_t old = value.load(std::memory_order_seq_cst);
  while (!value.compare_exchange_weak(old, next(context, old), std::memory_order_seq_cst)) {
  }
  // The last call of next() was for the value swapped out, so what it noted (a cas result) holds.
  return old;
}

// Real runs print nothing: ten thousand runs' lines would bury the summary.
void RealBackend::print(const std::string&, sim::Location, bool step_taken) {
  if (step_taken && stopping()) throw RealStop{};
}

bool RealBackend::deadlocked() const {
  std::uint32_t waiting = 0;
  for (const Waiting& w : waiting_) {
    if (!w.ready) continue;
    if (w.ready()) return false;
    ++waiting;
  }
  return waiting == live_;
}

void RealBackend::declare_deadlock() {
  std::vector<std::string> details;
  for (std::size_t t = 0; t < waiting_.size(); ++t) {
    if (waiting_[t].ready) details.push_back(names_[t] + " waits for " + waiting_[t].what());
  }
  if (!failure_) failure_ = RealFailure{sim::FailureKind::Deadlock, "every thread waits for another", sim::Location{}, {}, std::move(details)};
  stopping_.store(true, std::memory_order_relaxed);
  cv_.notify_all();
}

bool RealBackend::block(Guard& g, const std::function<bool()>& ready, const std::function<std::string()>& what, const Clock::time_point* deadline) {
  if (ready()) return true;
  Waiting& me = waiting_[static_cast<std::size_t>(t_self)];
  // A wait with a deadline ends by itself, so it never counts towards a deadlock.
  if (deadline == nullptr) {
    me = Waiting{ready, what};
    if (deadlocked()) declare_deadlock();
  }
  bool ok = true;
  while (!ready()) {
    if (stopping()) {
      me = {};
      throw RealStop{};
    }
    if (deadline == nullptr) {
      cv_.wait(g);
    } else if (cv_.wait_until(g, *deadline) == std::cv_status::timeout && !ready()) {
      ok = false;
      break;
    }
  }
  me = {};
  return ok;
}

std::string RealBackend::holder(const Mutex& m) const { return m.name + (m.owner >= 0 ? " (held by " + name(m.owner) + ")" : ""); }

void RealBackend::lock(std::uint32_t n, sim::Location at) {
  step();
  Guard g(m_);
  Mutex& m = mutexes_[n];
  if (m.owner == t_self) {
    if (m.flavour == Flavour::Recursive) {
      ++m.count;
      return;
    }
    fail_locked(g, sim::FailureKind::LockMisuse,
                name(t_self) + " locks " + m.name + " again while holding it (locked at " + sim::to_string(m.locked_at) + "); a non-recursive mutex deadlocks or worse",
                at);
  }
  block(g, [&m] { return m.owner < 0; }, [&] { return holder(m); });
  m.owner = t_self;
  m.count = 1;
  m.locked_at = at;
}

bool RealBackend::lock_for(std::uint32_t n, sim::Duration timeout, sim::Location at) {
  step();
  const Clock::time_point deadline = Clock::now() + timeout;
  Guard g(m_);
  Mutex& m = mutexes_[n];
  if (m.owner == t_self) {
    fail_locked(g, sim::FailureKind::LockMisuse, name(t_self) + " locks " + m.name + " again while holding it (locked at " + sim::to_string(m.locked_at) + ")", at);
  }
  if (!block(g, [&m] { return m.owner < 0; }, [&] { return holder(m); }, &deadline)) return false;
  m.owner = t_self;
  m.count = 1;
  m.locked_at = at;
  return true;
}

void RealBackend::unlock(std::uint32_t n, sim::Location at) {
  Guard g(m_);
  Mutex& m = mutexes_[n];
  if (m.owner != t_self) {
    const std::string held = m.owner < 0 ? ", which is not locked" : ", which " + name(m.owner) + " holds (locked at " + sim::to_string(m.locked_at) + ")";
    fail_locked(g, sim::FailureKind::LockMisuse, name(t_self) + " unlocks " + m.name + held, at);
  }
  if (--m.count > 0) return;
  m.owner = -1;
  cv_.notify_all();
}

void RealBackend::wait(std::uint32_t condition, std::uint32_t mutex, sim::Location at) {
  step();
  Guard g(m_);
  Condition& c = conditions_[condition];
  Mutex& m = mutexes_[mutex];
  if (m.owner != t_self) fail_locked(g, sim::FailureKind::LockMisuse, name(t_self) + " waits on " + c.name + " without holding " + m.name, at);
  const std::uint64_t ticket = c.arrived++;
  const std::uint32_t count = m.count;
  m.owner = -1;
  m.count = 0;
  cv_.notify_all();
  block(g, [&c, ticket] { return c.released > ticket; }, [&] { return c.name + " (a notify)"; });
  block(g, [&m] { return m.owner < 0; }, [&] { return holder(m) + " to return from waiting on " + c.name; });
  m.owner = t_self;
  m.count = count;
  m.locked_at = at;
}

void RealBackend::notify(std::uint32_t condition, bool all, sim::Location) {
  step();
  Guard g(m_);
  Condition& c = conditions_[condition];
  if (all) {
    c.released = c.arrived;
  } else if (c.released < c.arrived) {
    ++c.released;
  }
  cv_.notify_all();
}

void RealBackend::acquire(std::uint32_t n, sim::Location) {
  step();
  Guard g(m_);
  Semaphore& s = semaphores_[n];
  block(g, [&s] { return s.count > 0; }, [&] { return s.name + " (its count is 0)"; });
  --s.count;
}

void RealBackend::release(std::uint32_t n, sim::Location at) {
  step();
  Guard g(m_);
  Semaphore& s = semaphores_[n];
  if (s.count == std::numeric_limits<std::int64_t>::max()) fail_locked(g, sim::FailureKind::AssertionFailed, "runtime error: semaphore count overflow", at);
  if (s.count == s.max) {
    fail_locked(g, sim::FailureKind::SyncMisuse,
                name(t_self) + " releases " + s.name + " past its max of " + std::to_string(s.max) + ": more releases than acquires", at);
  }
  ++s.count;
  cv_.notify_all();
}

void RealBackend::rw_lock(std::uint32_t n, Hold hold, sim::Location at) {
  step();
  Guard g(m_);
  RwLock& rw = rwlocks_[n];
  const bool reading = std::find(rw.readers.begin(), rw.readers.end(), t_self) != rw.readers.end();
  const std::string me = name(t_self);
  if (hold == Hold::Shared) {
    if (rw.writer == t_self) fail_locked(g, sim::FailureKind::LockMisuse, me + " locks " + rw.name + " shared while holding it exclusively", at);
    if (reading) fail_locked(g, sim::FailureKind::LockMisuse, me + " locks " + rw.name + " shared again while holding it shared", at);
    block(g, [&rw] { return rw.writer < 0 && (!rw.prefer_writers || rw.writers_waiting == 0); },
          [&] { return rw.name + (rw.writer >= 0 ? " (held by " + name(rw.writer) + ")" : " (a writer waits)"); });
    rw.readers.push_back(t_self);
    return;
  }
  if (reading) {
    fail_locked(g, sim::FailureKind::LockMisuse,
                me + " locks " + rw.name + " exclusively while holding it shared: an upgrade waits for every reader to leave, itself included, so it deadlocks (unlock_shared first)",
                at);
  }
  if (rw.writer == t_self) fail_locked(g, sim::FailureKind::LockMisuse, me + " locks " + rw.name + " again while holding it", at);
  ++rw.writers_waiting;
  struct Waited {
    RwLock& rw;
    ~Waited() { --rw.writers_waiting; }
  } waited{rw};
  block(g, [&rw] { return rw.writer < 0 && rw.readers.empty(); },
        [&] { return rw.name + " (held by " + (rw.writer >= 0 ? name(rw.writer) : std::to_string(rw.readers.size()) + " reader(s)") + ")"; });
  rw.writer = t_self;
}

void RealBackend::rw_unlock(std::uint32_t n, Hold hold, sim::Location) {
  Guard g(m_);
  RwLock& rw = rwlocks_[n];
  if (hold == Hold::Shared) {
    std::erase(rw.readers, t_self);
  } else {
    rw.writer = -1;
  }
  cv_.notify_all();
}

void RealBackend::count_down(std::uint32_t n, std::int64_t by, sim::Location at) {
  step();
  Guard g(m_);
  Latch& l = latches_[n];
  if (by > l.count) {
    fail_locked(g, sim::FailureKind::SyncMisuse,
                name(t_self) + " counts " + l.name + " down by " + std::to_string(by) + " with " + std::to_string(l.count) + " left: past zero", at);
  }
  l.count -= by;
  if (l.count == 0) cv_.notify_all();
}

void RealBackend::latch_wait(std::uint32_t n, sim::Location) {
  step();
  Guard g(m_);
  Latch& l = latches_[n];
  block(g, [&l] { return l.count == 0; }, [&] { return l.name + " (" + std::to_string(l.count) + " left)"; });
}

void RealBackend::arrive(std::uint32_t n, Arrival arrival, sim::Location at) {
  step();
  Guard g(m_);
  Barrier& b = barriers_[n];
  if (b.pending < 1) {
    fail_locked(g, sim::FailureKind::SyncMisuse,
                name(t_self) + " arrives at " + b.name + " (1) when 0 arrivals are pending: more arrivals than the phase expects", at);
  }
  const std::uint64_t phase = b.phase;
  --b.pending;
  if (arrival == Arrival::Drop) --b.per_phase;
  if (b.pending == 0) {
    ++b.phase;
    b.pending = b.per_phase;
    cv_.notify_all();
    return;
  }
  if (arrival == Arrival::Wait) {
    block(g, [&b, phase] { return b.phase != phase; },
          [&] { return b.name + " (" + std::to_string(b.per_phase - b.pending) + " of " + std::to_string(b.per_phase) + " arrived)"; });
  }
}

void RealBackend::yield(sim::Location) {
  step();
  std::this_thread::yield();
}

// A sleep waits in the monitor, so a run that stops wakes it at once.
void RealBackend::sleep(sim::Duration d, sim::Location) {
  step();
  const Clock::time_point until = Clock::now() + d;
  Guard g(m_);
  while (!stopping() && Clock::now() < until) cv_.wait_until(g, until);
  if (stopping()) throw RealStop{};
}

void RealBackend::compute(sim::Duration d, sim::Location) {
  step();
  const Clock::time_point until = Clock::now() + d;
  while (Clock::now() < until) {
    if (stopping()) throw RealStop{};
  }
}

}  // namespace lang
