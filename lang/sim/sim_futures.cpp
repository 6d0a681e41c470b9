// SimFutures: the scenario's futures and pools as sim::Promise/Future and sim::ThreadPool.
#include "lang/sim/sim_futures.hpp"

#include <future>

#include "lang/sim/sim_backend.hpp"
#include "sim/sync/as_completed.hpp"

namespace lang {

namespace {

// as_completed over the futures a loop takes, through its queue of continuations.
class SimCompletions final : public Futures::Completions {
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

SimFutures::SimFutures(SimBackend& b) : b_(b) {
  const Program& p = b.program();
  for (const Variable& v : p.vars) {
    if (v.kind == GlobalKind::Pool) pool_at_.insert(pool_at_.end(), v.size, p.location(v.pos));
  }
}

void SimFutures::start() {
  const Program& p = b_.program();
  SimState& s = b_.state();
  s.promises.resize(p.futures);
  s.futures.resize(p.futures);
  for (const Variable& v : p.vars) {
    for (std::uint32_t n = v.first; n < v.first + v.size; ++n) {
      if (v.kind == GlobalKind::Future) {
        s.promises[n].emplace(v.element_name(n - v.first), p.location(v.pos));
        s.futures[n] = s.promises[n]->get_future(p.location(v.pos));
      } else if (v.kind == GlobalKind::Pool) {
        s.pools.push_back(std::make_unique<sim::ThreadPool>(static_cast<std::size_t>(v.initial), v.element_name(n - v.first), p.location(v.pos)));
      }
    }
  }
}

void SimFutures::drain() {
  SimState& s = b_.state();
  for (std::size_t n = 0; n < s.pools.size(); ++n) s.pools[n]->shutdown(sim::Shutdown::Drain, pool_at_[n]);
}

void SimFutures::stop() {
  SimState& s = b_.state();
  s.pools.clear();
  s.futures.clear();
  s.promises.clear();
}

void SimFutures::set(std::uint32_t future, std::int64_t value, sim::Location at) { b_.state().promises[future]->set_value(value, at); }

std::optional<std::int64_t> SimFutures::get(std::uint32_t future, sim::Location at) {
  try {
    return b_.state().futures[future].get(at);
  } catch (const std::future_error&) {
    return std::nullopt;  // the promise went with a job the pool dropped: `shutdown p, cancel` before the job started
  }
}

void SimFutures::submit(std::uint32_t pool, Job job, std::uint32_t future, sim::Location at) {
  SimState& s = b_.state();
  std::optional<sim::Promise<std::int64_t>> promise;
  if (future != no_future) {
    promise = std::move(s.promises[future]);
    s.promises[future].reset();
  }
  // The pool's own future (of this lambda) is dropped: the job's result goes through `promise`.
  s.pools[pool]->submit(
      [job = std::move(job), at, promise = std::move(promise)]() mutable {
        const std::int64_t result = job();
        if (promise) promise->set_value(result, at);
      },
      at);
}

std::vector<std::int64_t> SimFutures::map(std::uint32_t pool, const MapJob& job, const std::vector<std::int64_t>& inputs, sim::Location at) {
  return b_.state().pools[pool]->map(job, inputs, at);
}

void SimFutures::shutdown(std::uint32_t pool, bool cancel, sim::Location at) {
  b_.state().pools[pool]->shutdown(cancel ? sim::Shutdown::Cancel : sim::Shutdown::Drain, at);
}

std::unique_ptr<Futures::Completions> SimFutures::completions(const std::vector<std::uint32_t>& futures, sim::Location at) {
  return std::make_unique<SimCompletions>(b_.state().futures, futures, at);
}

}  // namespace lang
