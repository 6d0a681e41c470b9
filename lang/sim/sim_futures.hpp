// SimFutures: a scenario's futures and thread pools in the simulation — sim::Promise/Future,
// sim::ThreadPool and as_completed's queue, kept in the SimState.
//
// They are made in main when an execution starts (the pools' workers are tasks of the
// execution) and go when it ends, so their deadlock stories, misuse findings and happens-before
// edges are the C++ API's.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "lang/backend.hpp"
#include "lang/program.hpp"

namespace lang {

class SimBackend;

class SimFutures final : public Futures {
 public:
  explicit SimFutures(SimBackend& b);

  void set(std::uint32_t future, std::int64_t value, sim::Location at) override;
  std::optional<std::int64_t> get(std::uint32_t future, sim::Location at) override;
  void submit(std::uint32_t pool, Job job, std::uint32_t future, sim::Location at) override;
  std::vector<std::int64_t> map(std::uint32_t pool, const MapJob& job, const std::vector<std::int64_t>& inputs, sim::Location at) override;
  void shutdown(std::uint32_t pool, bool cancel, sim::Location at) override;
  std::unique_ptr<Completions> completions(const std::vector<std::uint32_t>& futures, sim::Location at) override;

  // An execution starts, in main: the promises, futures and pools are made.
  void start();
  // Its threads have ended: every pool still open drains its queue and stops, in order, before `finally:`.
  void drain();
  // It ends (or stops): the pools go first, so their workers end before the promises go.
  void stop();

 private:
  SimBackend& b_;
  std::vector<sim::Location> pool_at_;  // per pool: its declaration
};

}  // namespace lang
