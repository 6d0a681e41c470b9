// RealBackend's futures and thread pools on the monitor: a future set once and waited for, pools
// whose workers are threads of the run taking jobs from a queue, map, shutdown by draining or
// cancelling, and as_completed in the order the futures really completed.
//
// The semantics are sim::Promise/Future and sim::ThreadPool's (lang/sim_futures.hpp): a second
// set is future-misuse naming who set it first; a job dropped by `shutdown p, cancel` leaves its
// future without a value; a submit after shutdown is future-misuse; when the scenario's threads
// have all ended, each pool still open drains, in the order declared. Their waits are the
// monitor's, so a job waiting for a job queued behind it in a full pool is a deadlock the moment
// it happens, and a stopped run wakes every worker.
#include "lang/real/real_backend.hpp"

#include "sim/sync/thread_pool.hpp"

namespace lang {

// One `for i in as_completed fs:` loop: which of its futures were handed out.
class RealBackend::Completing final : public Backend::Completions {
 public:
  Completing(RealBackend& b, const std::vector<std::uint32_t>& futures) : b_(b), futures_(futures), handed_(futures.size(), false), left_(futures.size()) {}
  std::optional<std::size_t> next(sim::Location at) override { return b_.next_completed(*this, at); }

 private:
  friend class RealBackend;
  RealBackend& b_;
  std::vector<std::uint32_t> futures_;
  std::vector<bool> handed_;
  std::size_t left_;
};

RealBackend::Pool& RealBackend::pool_of(std::uint32_t thread) {
  for (Pool& p : pools_) {
    if (thread >= p.first_worker && thread < p.first_worker + p.size) return p;
  }
  return pools_.back();  // never: only workers ask
}

void RealBackend::complete(Guard& g, std::uint32_t n, std::optional<std::int64_t> value, sim::Location at) {
  Future& f = futures_[n];
  if (f.ready) {
    fail_locked(g, sim::FailureKind::FutureMisuse,
                name(self()) + " sets promise " + f.name + " a second time (first set by " + name(f.set_by) + " at " + sim::to_string(f.set_at) +
                    "): a promise is set once",
                at);
  }
  f.ready = true;
  f.value = value;
  f.set_by = self();
  f.set_at = at;
  f.completed = ++completions_;
  cv_.notify_all();
}

void RealBackend::set_future(std::uint32_t n, std::int64_t value, sim::Location at) {
  step();
  Guard g(m_);
  complete(g, n, value, at);
}

std::optional<std::int64_t> RealBackend::get_future(std::uint32_t n, sim::Location) {
  step();
  Guard g(m_);
  Future& f = futures_[n];
  block(g, [&f] { return f.ready; }, [&] { return "future " + f.name + " (nobody has set it)"; });
  return f.value;
}

void RealBackend::submit(std::uint32_t n, Job job, std::uint32_t future, sim::Location at) {
  step();
  Guard g(m_);
  Pool& p = pools_[n];
  if (p.shut) fail_locked(g, sim::FailureKind::FutureMisuse, name(self()) + " submits a job to thread pool " + p.name + " after its shutdown", at);
  p.queue.push_back(Queued{std::move(job), future, nullptr, 0, at});
  cv_.notify_all();
}

std::vector<std::int64_t> RealBackend::map(std::uint32_t n, const MapJob& job, const std::vector<std::int64_t>& inputs, sim::Location at) {
  step();
  Guard g(m_);
  Pool& p = pools_[n];
  if (p.shut) fail_locked(g, sim::FailureKind::FutureMisuse, name(self()) + " submits a job to thread pool " + p.name + " after its shutdown", at);
  auto batch = std::make_shared<Batch>();
  batch->results.resize(inputs.size());
  for (std::size_t i = 0; i < inputs.size(); ++i) p.queue.push_back(Queued{[job, x = inputs[i]] { return job(x); }, no_future, batch, i, at});
  cv_.notify_all();
  block(g, [&] { return batch->done == inputs.size(); },
        [&] { return "the jobs of its map on pool " + p.name + " (" + std::to_string(batch->done) + " of " + std::to_string(inputs.size()) + " done)"; });
  // As sim::ThreadPool::map does, a job dropped by a shutdown throws from the map.
  if (batch->cancelled) throw sim::CancelledError("the pool was shut down before this job started");
  return batch->results;
}

void RealBackend::shutdown(std::uint32_t n, bool cancel, sim::Location at) {
  step();
  Guard g(m_);
  Pool& p = pools_[n];
  if (p.shut) return;  // shut already: as in the simulation, no second wait
  p.shut = true;
  if (cancel) {
    // The jobs no worker has started: their futures learn they were cancelled.
    for (Queued& q : p.queue) {
      if (q.batch != nullptr) {
        q.batch->cancelled = true;
        ++q.batch->done;
      } else if (q.future != no_future && !futures_[q.future].ready) {  // set already: nothing to break (sim::Promise's abandon)
        complete(g, q.future, std::nullopt, at);
      }
    }
    p.queue.clear();
  }
  cv_.notify_all();
  block(g, [&p] { return p.running == 0; }, [&] { return "the workers of pool " + p.name + " to finish (" + std::to_string(p.running) + " still running)"; });
}

void RealBackend::work(std::uint32_t worker) {
  Pool& p = pool_of(main_ + 1 + worker);
  for (;;) {
    step();
    Guard g(m_);
    if (threads_left_ == 0) drain_next();  // a scenario with no threads of its own
    block(g, [&p] { return !p.queue.empty() || p.shut; }, [&] { return "a job from pool " + p.name + " (its queue is empty)"; });
    if (p.queue.empty()) return;  // shut down, and drained
    Queued q = std::move(p.queue.front());
    p.queue.pop_front();
    g.unlock();
    const std::int64_t result = q.job();
    step();
    g.lock();
    if (q.batch != nullptr) {
      q.batch->results[q.slot] = result;
      ++q.batch->done;
      cv_.notify_all();
    } else if (q.future != no_future) {
      complete(g, q.future, result, q.at);
    }
  }
}

void RealBackend::ended(std::int32_t thread) {
  const auto t = static_cast<std::uint32_t>(thread);
  if (t < main_) {
    --threads_left_;
  } else if (t > main_ && t < names_.size()) {
    --pool_of(t).running;
    cv_.notify_all();  // a shutdown waits for it
  }
  if (threads_left_ == 0 && t != main_) drain_next();
}

// The scenario's threads have all ended: the first pool with workers left is shut down (they
// drain its queue and end); when they have, the next. The simulation's main does the same.
void RealBackend::drain_next() {
  for (Pool& p : pools_) {
    if (p.running == 0) continue;
    if (!p.shut) {
      p.shut = true;
      cv_.notify_all();
    }
    return;
  }
}

std::unique_ptr<Backend::Completions> RealBackend::completions(const std::vector<std::uint32_t>& futures, sim::Location) {
  return std::make_unique<Completing>(*this, futures);
}

// The future of the loop not handed out yet that completed first, waiting for one if none has.
std::optional<std::size_t> RealBackend::next_completed(Completing& c, sim::Location) {
  if (c.left_ == 0) return std::nullopt;
  step();
  Guard g(m_);
  const auto first = [&] {
    std::size_t best = c.futures_.size();
    for (std::size_t i = 0; i < c.futures_.size(); ++i) {
      const Future& f = futures_[c.futures_[i]];
      if (c.handed_[i] || !f.ready) continue;
      if (best == c.futures_.size() || f.completed < futures_[c.futures_[best]].completed) best = i;
    }
    return best;
  };
  block(g, [&] { return first() < c.futures_.size(); }, [&] { return "as_completed (" + std::to_string(c.left_) + " future(s) still to complete)"; });
  const std::size_t i = first();
  c.handed_[i] = true;
  --c.left_;
  return i;
}

}  // namespace lang
