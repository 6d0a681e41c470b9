// SimFutures: the scenario's futures and pools as sim::Promise/Future and sim::ThreadPool.
#include "lang/sim_futures.hpp"

#include <future>

#include "sim/sync/as_completed.hpp"

namespace lang {

namespace {

std::string element_name(const Variable& v, std::uint32_t n) { return v.array ? v.name + "[" + std::to_string(n - v.first) + "]" : v.name; }

// as_completed over the futures a loop takes, through its queue of continuations.
class SimCompletions final : public Backend::Completions {
 public:
  SimCompletions(const std::vector<sim::Future<std::int64_t>>& all, const std::vector<std::uint32_t>& futures, sim::Location at) : queue_(at) {
    queue_.reserve(futures.size());
    for (std::size_t i = 0; i < futures.size(); ++i) queue_.add(sim::detail::FutureAccess<std::int64_t>::core(all[futures[i]]), i);
    queue_.start();
  }
  std::optional<std::size_t> next(sim::Location at) override { return queue_.next(at); }

 private:
  sim::detail::CompletionQueue queue_;
};

}  // namespace

SimFutures::SimFutures(const Program& program) {
  promises_.resize(program.futures);
  futures_.resize(program.futures);
  for (const Variable& v : program.vars) {
    for (std::uint32_t n = v.first; n < v.first + v.size; ++n) {
      if (v.kind == GlobalKind::Future) {
        promises_[n].emplace(element_name(v, n), program.location(v.pos));
        futures_[n] = promises_[n]->get_future(program.location(v.pos));
      } else if (v.kind == GlobalKind::Pool) {
        pools_.push_back(std::make_unique<sim::ThreadPool>(static_cast<std::size_t>(v.initial), element_name(v, n), program.location(v.pos)));
        pool_at_.push_back(program.location(v.pos));
      }
    }
  }
}

SimFutures::~SimFutures() = default;

void SimFutures::set(std::uint32_t future, std::int64_t value, sim::Location at) { promises_[future]->set_value(value, at); }

std::optional<std::int64_t> SimFutures::get(std::uint32_t future, sim::Location at) {
  try {
    return futures_[future].get(at);
  } catch (const std::future_error&) {
    return std::nullopt;  // the promise went with a job the pool dropped: `shutdown p, cancel` before the job started
  }
}

void SimFutures::submit(std::uint32_t pool, Backend::Job job, std::uint32_t future, sim::Location at) {
  std::optional<sim::Promise<std::int64_t>> promise;
  if (future != Backend::no_future) {
    promise = std::move(promises_[future]);
    promises_[future].reset();
  }
  // The pool's own future (of this lambda) is dropped: the job's result goes through `promise`.
  pools_[pool]->submit(
      [job = std::move(job), at, promise = std::move(promise)]() mutable {
        const std::int64_t result = job();
        if (promise) promise->set_value(result, at);
      },
      at);
}

std::vector<std::int64_t> SimFutures::map(std::uint32_t pool, const Backend::MapJob& job, const std::vector<std::int64_t>& inputs, sim::Location at) {
  return pools_[pool]->map(job, inputs, at);
}

void SimFutures::shutdown(std::uint32_t pool, bool cancel, sim::Location at) { pools_[pool]->shutdown(cancel ? sim::Shutdown::Cancel : sim::Shutdown::Drain, at); }

std::unique_ptr<Backend::Completions> SimFutures::completions(const std::vector<std::uint32_t>& futures, sim::Location at) {
  return std::make_unique<SimCompletions>(futures_, futures, at);
}

void SimFutures::drain() {
  for (std::size_t n = 0; n < pools_.size(); ++n) pools_[n]->shutdown(sim::Shutdown::Drain, pool_at_[n]);
}

}  // namespace lang
