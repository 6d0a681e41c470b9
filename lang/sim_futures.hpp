// SimFutures: one simulated execution's promises, futures and thread pools — sim::Promise/Future,
// sim::ThreadPool and as_completed's queue — behind SimBackend's future and pool steps.
//
// Made in main before the threads start (the pools' workers are tasks of the execution) and gone
// with the execution, so their deadlock stories, misuse findings and happens-before edges are
// the C++ API's.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "lang/backend.hpp"
#include "lang/program.hpp"
#include "sim/sync/future.hpp"
#include "sim/sync/thread_pool.hpp"

namespace lang {

class SimFutures {
 public:
  // Inside the execution, in main.
  explicit SimFutures(const Program& program);
  SimFutures(const SimFutures&) = delete;
  SimFutures& operator=(const SimFutures&) = delete;
  ~SimFutures();

  void set(std::uint32_t future, std::int64_t value, sim::Location at);
  std::optional<std::int64_t> get(std::uint32_t future, sim::Location at);
  void submit(std::uint32_t pool, Backend::Job job, std::uint32_t future, sim::Location at);
  std::vector<std::int64_t> map(std::uint32_t pool, const Backend::MapJob& job, const std::vector<std::int64_t>& inputs, sim::Location at);
  void shutdown(std::uint32_t pool, bool cancel, sim::Location at);
  std::unique_ptr<Backend::Completions> completions(const std::vector<std::uint32_t>& futures, sim::Location at);
  // The end of an execution: every pool still open drains its queue and stops, in order, before `finally:`.
  void drain();

 private:
  // Per future: its promise, until a job takes it to set when the job ends.
  std::vector<std::optional<sim::Promise<std::int64_t>>> promises_;
  std::vector<sim::Future<std::int64_t>> futures_;
  std::vector<sim::Location> pool_at_;  // per pool: its declaration
  // Destroyed first (members go in reverse): their workers end before the promises go.
  std::vector<std::unique_ptr<sim::ThreadPool>> pools_;
};

}  // namespace lang
