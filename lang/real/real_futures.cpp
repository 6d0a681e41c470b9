// RealFutures: futures and thread pools on the monitor — a future set once and waited for, pools
// whose workers are threads of the run taking jobs from a queue, map, shutdown by draining or
// cancelling, and as_completed in the order the futures really completed.
//
// The semantics are sim::Promise/Future and sim::ThreadPool's (lang/sim/sim_futures.hpp): a second
// set is future-misuse naming who set it first; a job dropped by `shutdown p, cancel` leaves its
// future without a value; a submit after shutdown is future-misuse; when the scenario's threads
// have all ended, each pool still open drains, in the order declared. Their waits are the
// monitor's, so a job waiting for a job queued behind it in a full pool is a deadlock the moment
// it happens, and a stopped run wakes every worker.
#include "lang/real/real_backend.hpp"

#include "sim/sync/thread_pool.hpp"

namespace lang {

// One `for i in as_completed fs:` loop: which of its futures were handed out.
class RealFutures::Completing final : public Futures::Completions {
 public:
  Completing(RealFutures& f, const std::vector<std::uint32_t>& futures) : f_(f), futures_(futures), handed_(futures.size(), false), left_(futures.size()) {}
  std::optional<std::size_t> next(sim::Location at) override { return f_.next_completed(*this, at); }

 private:
  friend class RealFutures;
  RealFutures& f_;
  std::vector<std::uint32_t> futures_;
  std::vector<bool> handed_;
  std::size_t left_;
};

std::vector<std::string> pool_workers(const Program& program) {
  std::vector<std::string> out;
  for (const Variable& v : program.vars) {
    if (v.kind != GlobalKind::Pool) continue;
    for (std::uint32_t i = 0; i < v.size; ++i) {
      for (std::int64_t k = 0; k < v.initial; ++k) out.push_back(v.element_name(i) + ".worker" + std::to_string(k));
    }
  }
  return out;
}

// The pools' workers are numbered after main, in the order the pools are declared (as pool_workers names them).
RealFutures::RealFutures(RealMonitor& monitor, const Program& program) : m_(monitor), threads_left_(monitor.main()) {
  std::uint32_t worker = monitor.main() + 1;
  for (const Variable& v : program.vars) {
    for (std::uint32_t i = 0; i < v.size; ++i) {
      if (v.kind == GlobalKind::Future) futures_.push_back(Future{v.element_name(i)});
      if (v.kind != GlobalKind::Pool) continue;
      const auto size = static_cast<std::uint32_t>(v.initial);
      pools_.push_back(Pool{v.element_name(i), worker, size});
      pools_.back().running = size;
      worker += size;
    }
  }
}

RealFutures::Pool& RealFutures::pool_of(std::uint32_t thread) {
  for (Pool& p : pools_) {
    if (thread >= p.first_worker && thread < p.first_worker + p.size) return p;
  }
  return pools_.back();  // never: only workers ask
}

void RealFutures::complete(RealMonitor::Guard& g, std::uint32_t n, std::optional<std::int64_t> value, sim::Location at) {
  Future& f = futures_[n];
  if (f.ready) {
    m_.fail_locked(g, sim::FailureKind::FutureMisuse,
                   m_.name(RealMonitor::self()) + " sets promise " + f.name + " a second time (first set by " + m_.name(f.set_by) + " at " + sim::to_string(f.set_at) +
                       "): a promise is set once",
                   at);
  }
  f.ready = true;
  f.value = value;
  f.set_by = RealMonitor::self();
  f.set_at = at;
  f.completed = ++completions_;
  m_.wake();
}

void RealFutures::set(std::uint32_t n, std::int64_t value, sim::Location at) {
  m_.step();
  RealMonitor::Guard g = m_.guard();
  complete(g, n, value, at);
}

std::optional<std::int64_t> RealFutures::get(std::uint32_t n, sim::Location) {
  m_.step();
  RealMonitor::Guard g = m_.guard();
  Future& f = futures_[n];
  m_.block(g, [&f] { return f.ready; }, [&] { return "future " + f.name + " (nobody has set it)"; });
  return f.value;
}

void RealFutures::submit(std::uint32_t n, Job job, std::uint32_t future, sim::Location at) {
  m_.step();
  RealMonitor::Guard g = m_.guard();
  Pool& p = pools_[n];
  if (p.shut) m_.fail_locked(g, sim::FailureKind::FutureMisuse, m_.name(RealMonitor::self()) + " submits a job to thread pool " + p.name + " after its shutdown", at);
  p.queue.push_back(Queued{std::move(job), future, nullptr, 0, at});
  m_.wake();
}

std::vector<std::int64_t> RealFutures::map(std::uint32_t n, const MapJob& job, const std::vector<std::int64_t>& inputs, sim::Location at) {
  m_.step();
  RealMonitor::Guard g = m_.guard();
  Pool& p = pools_[n];
  if (p.shut) m_.fail_locked(g, sim::FailureKind::FutureMisuse, m_.name(RealMonitor::self()) + " submits a job to thread pool " + p.name + " after its shutdown", at);
  auto batch = std::make_shared<Batch>();
  batch->results.resize(inputs.size());
  for (std::size_t i = 0; i < inputs.size(); ++i) p.queue.push_back(Queued{[job, x = inputs[i]] { return job(x); }, no_future, batch, i, at});
  m_.wake();
  m_.block(g, [&] { return batch->done == inputs.size(); },
           [&] { return "the jobs of its map on pool " + p.name + " (" + std::to_string(batch->done) + " of " + std::to_string(inputs.size()) + " done)"; });
  // As sim::ThreadPool::map does, a job dropped by a shutdown throws from the map.
  if (batch->cancelled) throw sim::CancelledError("the pool was shut down before this job started");
  return batch->results;
}

void RealFutures::shutdown(std::uint32_t n, bool cancel, sim::Location at) {
  m_.step();
  RealMonitor::Guard g = m_.guard();
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
  m_.wake();
  m_.block(g, [&p] { return p.running == 0; }, [&] { return "the workers of pool " + p.name + " to finish (" + std::to_string(p.running) + " still running)"; });
}

void RealFutures::work(std::uint32_t worker) {
  Pool& p = pool_of(m_.main() + 1 + worker);
  for (;;) {
    m_.step();
    RealMonitor::Guard g = m_.guard();
    if (threads_left_ == 0) drain_next();  // a scenario with no threads of its own
    m_.block(g, [&p] { return !p.queue.empty() || p.shut; }, [&] { return "a job from pool " + p.name + " (its queue is empty)"; });
    if (p.queue.empty()) return;  // shut down, and drained
    Queued q = std::move(p.queue.front());
    p.queue.pop_front();
    g.unlock();
    const std::int64_t result = q.job();
    m_.step();
    g.lock();
    if (q.batch != nullptr) {
      q.batch->results[q.slot] = result;
      ++q.batch->done;
      m_.wake();
    } else if (q.future != no_future) {
      complete(g, q.future, result, q.at);
    }
  }
}

void RealFutures::ended(RealMonitor::Guard&, std::int32_t thread) {
  const auto t = static_cast<std::uint32_t>(thread);
  const std::uint32_t main = m_.main();
  if (t < main) {
    --threads_left_;
  } else if (t > main && t < m_.threads()) {
    --pool_of(t).running;
    m_.wake();  // a shutdown waits for it
  }
  if (threads_left_ == 0 && t != main) drain_next();
}

// The scenario's threads have all ended: the first pool with workers left is shut down (they
// drain its queue and end); when they have, the next. The simulation's main does the same.
void RealFutures::drain_next() {
  for (Pool& p : pools_) {
    if (p.running == 0) continue;
    if (!p.shut) {
      p.shut = true;
      m_.wake();
    }
    return;
  }
}

std::unique_ptr<Futures::Completions> RealFutures::completions(const std::vector<std::uint32_t>& futures, sim::Location) {
  return std::make_unique<Completing>(*this, futures);
}

// The future of the loop not handed out yet that completed first, waiting for one if none has.
std::optional<std::size_t> RealFutures::next_completed(Completing& c, sim::Location) {
  if (c.left_ == 0) return std::nullopt;
  m_.step();
  RealMonitor::Guard g = m_.guard();
  const auto first = [&] {
    std::size_t best = c.futures_.size();
    for (std::size_t i = 0; i < c.futures_.size(); ++i) {
      const Future& f = futures_[c.futures_[i]];
      if (c.handed_[i] || !f.ready) continue;
      if (best == c.futures_.size() || f.completed < futures_[c.futures_[best]].completed) best = i;
    }
    return best;
  };
  m_.block(g, [&] { return first() < c.futures_.size(); }, [&] { return "as_completed (" + std::to_string(c.left_) + " future(s) still to complete)"; });
  const std::size_t i = first();
  c.handed_[i] = true;
  --c.left_;
  return i;
}

}  // namespace lang
