// RealMonitor: thread identity, waiting in the monitor, deadlock detection from what the waiting
// threads wait for, and the first finding that stops a run.
#include "lang/real/real_monitor.hpp"

namespace lang {

namespace {

thread_local std::int32_t t_self = -1;  // the scenario thread this OS thread runs (main() is main)

}  // namespace

RealMonitor::RealMonitor(std::vector<std::string> names, std::uint32_t main) : names_(std::move(names)), main_(main) { waiting_.resize(names_.size()); }

std::int32_t RealMonitor::self() { return t_self; }

void RealMonitor::enter(std::uint32_t thread) { t_self = static_cast<std::int32_t>(thread); }

const std::string& RealMonitor::name(std::int32_t thread) const {
  return thread >= 0 && static_cast<std::size_t>(thread) < names_.size() ? names_[static_cast<std::size_t>(thread)] : names_[main_];
}

void RealMonitor::expect(std::uint32_t live) {
  Guard g(m_);
  live_ = live;
}

void RealMonitor::left(Guard&) {
  --live_;
  waiting_[static_cast<std::size_t>(t_self)] = {};
}

// The threads left may all be waiting for something only the one that left could have given.
void RealMonitor::check_deadlock(Guard&) {
  if (live_ > 0 && deadlocked()) declare_deadlock();
}

void RealMonitor::uncaught(const std::string& what) {
  Guard g(m_);
  record(sim::FailureKind::UncaughtException, name(t_self) + " threw " + what, sim::Location{}, {});
}

void RealMonitor::stop() {
  Guard g(m_);
  stopping_.store(true, std::memory_order_relaxed);
  cv_.notify_all();
}

std::optional<RealFailure> RealMonitor::failure() const {
  Guard g(m_);
  return failure_;
}

void RealMonitor::record(sim::FailureKind kind, std::string message, sim::Location at, std::vector<std::string> details) {
  if (!failure_) failure_ = RealFailure{kind, std::move(message), at, name(t_self), std::move(details)};
  stopping_.store(true, std::memory_order_relaxed);
  cv_.notify_all();
}

void RealMonitor::fail(sim::FailureKind kind, std::string message, sim::Location at, std::vector<std::string> details) {
  Guard g(m_);
  fail_locked(g, kind, std::move(message), at, std::move(details));
}

void RealMonitor::fail_locked(Guard&, sim::FailureKind kind, std::string message, sim::Location at, std::vector<std::string> details) {
  record(kind, std::move(message), at, std::move(details));
  throw RealStop{};  // the guard unlocks as this unwinds
}

void RealMonitor::step() {
  if (stopping_.load(std::memory_order_relaxed)) [[unlikely]] throw RealStop{};
}

bool RealMonitor::deadlocked() const {
  std::uint32_t waiting = 0;
  for (const Waiting& w : waiting_) {
    if (!w.ready) continue;
    if (w.ready()) return false;
    ++waiting;
  }
  return waiting == live_;
}

void RealMonitor::declare_deadlock() {
  std::vector<std::string> details;
  for (std::size_t t = 0; t < waiting_.size(); ++t) {
    if (waiting_[t].ready) details.push_back(names_[t] + " waits for " + waiting_[t].what());
  }
  if (!failure_) failure_ = RealFailure{sim::FailureKind::Deadlock, "every thread waits for another", sim::Location{}, {}, std::move(details)};
  stopping_.store(true, std::memory_order_relaxed);
  cv_.notify_all();
}

bool RealMonitor::block(Guard& g, const std::function<bool()>& ready, const std::function<std::string()>& what, const Clock::time_point* deadline) {
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

// A sleep waits in the monitor, so a run that stops wakes it at once.
void RealMonitor::sleep_until(Clock::time_point until) {
  Guard g(m_);
  while (!stopping() && Clock::now() < until) cv_.wait_until(g, until);
  if (stopping()) throw RealStop{};
}

}  // namespace lang
