// RealBackend: its parts made for one run, a thread's leaving, and the steps of cells and tasks —
// cells through atomic_ref, yields, real sleeps and computes, findings.
#include "lang/real/real_backend.hpp"

#include <thread>

#include "sim/real/real_runner.hpp"

namespace lang {

namespace {

// The run's threads by index: the scenario's, then main, then the pools' workers.
std::vector<std::string> thread_names(const Program& program) {
  std::vector<std::string> names;
  for (const ThreadSpec& t : program.threads) names.push_back(t.name);
  names.push_back("main");
  for (std::string& w : pool_workers(program)) names.push_back(std::move(w));
  return names;
}

}  // namespace

std::memory_order std_order(Order order) {
  constexpr std::memory_order orders[] = {std::memory_order_relaxed, std::memory_order_acquire, std::memory_order_release,
                                          std::memory_order_acq_rel, std::memory_order_seq_cst};
  return orders[static_cast<std::size_t>(order)];
}

RealBackend::RealBackend(const Program& program, Noise noise)
    : monitor_(thread_names(program), static_cast<std::uint32_t>(program.threads.size())),
      locks_(monitor_, program),
      cells_(monitor_, locks_, program, noise),
      counters_(monitor_, program),
      channels_(monitor_, program),
      futures_(monitor_, program),
      tasks_(monitor_, locks_) {}

void RealBackend::leave() {
  RealMonitor::Guard g = monitor_.guard();
  monitor_.left(g);
  futures_.ended(g, RealMonitor::self());
  monitor_.check_deadlock(g);
}

RealCells::RealCells(RealMonitor& monitor, RealLocks& locks, const Program& program, RealNoise noise)
    : m_(monitor), locks_(locks), noise_(noise), cells_(program.cell_initial), atomic_(program.cell_names.size()) {
  values_ = cells_.data();
  for (const Variable& v : program.vars) {
    if (v.kind != GlobalKind::Atomic) continue;
    for (std::uint32_t i = 0; i < v.size; ++i) atomic_[v.first + i] = true;
  }
}

// A shared access: noise first (it widens the window between this access and the last), then the stop check.
void RealCells::access() {
  if (noise_ == RealNoise::Yields) sim::detail::real_noise();
  m_.step();
}

std::int64_t RealCells::load(std::uint32_t cell, sim::Location, bool step, Order order) {
  if (step) access();
  return std::atomic_ref<std::int64_t>(cells_[cell]).load(cell_order(cell, order));
}

void RealCells::store(std::uint32_t cell, std::int64_t value, sim::Location, bool step, Order order) {
  if (step) access();
  std::atomic_ref<std::int64_t>(cells_[cell]).store(value, cell_order(cell, order));
}

std::int64_t RealCells::update(std::uint32_t cell, Next next, void* context, sim::Location, bool step, Order order) {
  if (step) access();
  const std::memory_order success = cell_order(cell, order);
  const std::memory_order failure = success == std::memory_order_acq_rel ? std::memory_order_acquire
                                    : success == std::memory_order_release ? std::memory_order_relaxed
                                                                           : success;
  std::atomic_ref<std::int64_t> value(cells_[cell]);
  std::int64_t old = value.load(failure);
  std::optional<std::int64_t> wrote;
  while ((wrote = next(context, old, Check::Errors)) && !value.compare_exchange_weak(old, *wrote, success, failure)) {
  }
  // The last call of next() was for the value swapped out (or the one a cas failed on), so
  // what it noted (a cas result) holds.
  return old;
}

void RealCells::fence(Order order, sim::Location) { std::atomic_thread_fence(std_order(order)); }

// Real runs print nothing: ten thousand runs' lines would bury the summary.
void RealCells::print(const std::string&, sim::Location, bool step) {
  if (step && m_.stopping()) throw RealStop{};
}

void RealTasks::yield(sim::Location) {
  m_.step();
  std::this_thread::yield();
}

void RealTasks::sleep(sim::Duration d, sim::Location) {
  m_.step();
  m_.sleep_until(RealMonitor::Clock::now() + d);
}

void RealTasks::compute(sim::Duration d, sim::Location) {
  m_.step();
  const RealMonitor::Clock::time_point until = RealMonitor::Clock::now() + d;
  while (RealMonitor::Clock::now() < until) {
    if (m_.stopping()) throw RealStop{};
  }
}

void RealTasks::fail(sim::FailureKind kind, std::string message, sim::Location at, std::vector<std::string> details) {
  m_.fail(kind, std::move(message), at, std::move(details));
}

}  // namespace lang
