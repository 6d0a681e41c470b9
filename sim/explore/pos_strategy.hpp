// PosStrategy: partial order sampling (Yuan, Yang & Gu, "Partial Order Aware Concurrency
// Sampling", CAV 2018).
//
// How this works: every task's next operation (its pending event) has a random priority, and
// the runnable task whose event has the highest priority runs (a task not started yet goes
// first: its start is no event, it commutes with everything). After an event runs, its task's
// next event gets a fresh priority, and so does every other task's pending event that races
// with the one that ran: the same object, and not both only reading it - DPOR's dependence
// (own_use in dpor_trace.hpp). A random walk picks uniformly among runnable tasks at each step,
// so it samples the schedules of one partial order as often as that order has interleavings;
// re-drawing only the priorities that a step touched makes it pick an order among the racing
// events, and leaves independent events' relative order alone, which samples partial orders
// far more evenly (the paper's bound: each partial order with probability at least about
// 1/(number of events)!, independent of how many interleavings it has). Execution i uses a
// generator derived from (seed, i) alone, so any set of executions can run anywhere.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/core/observer.hpp"
#include "sim/core/rng.hpp"
#include "sim/explore/sliced_strategy.hpp"

namespace sim {

class PosStrategy final : public IndexedStrategy, public Observer {
 public:
  explicit PosStrategy(std::uint64_t seed) : seed_(seed) {}

  void start(std::uint64_t index) override;
  TaskId next_task(std::span<const TaskId> runnable, TaskId current) override;
  std::uint32_t next_value(std::uint32_t bound) override { return rng_.below(bound); }
  std::string describe() const override;
  Observer* observer() override { return this; }

  void on_begin(const Execution& exec) override;
  void on_event(const Execution& exec, const Event& event) override;
  bool unchanged_by(const Execution& exec, TaskId task, ObjectId object, OpKind kind) const override;

 private:
  std::uint64_t priority(TaskId t);

  std::uint64_t seed_;
  std::uint64_t index_ = 0;
  Rng rng_{0};
  const Execution* exec_ = nullptr;
  // By task index: the priority of the task's pending event; 0 (never drawn) means a new or a
  // raced event, to be drawn when it is next among the runnable.
  std::vector<std::uint64_t> priorities_;
};

}  // namespace sim
