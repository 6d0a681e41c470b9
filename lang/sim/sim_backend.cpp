// SimBackend: one execution of a scenario (a task per thread, joined, the pools drained, then
// `finally:`), and its tasks' steps: who runs, yields, sleeps, the event loop and findings.
#include "lang/sim/sim_backend.hpp"

#include <cstdio>
#include <cstdlib>

#include "sim/core/execution.hpp"
#include "sim/sync/thread.hpp"
#include "sim/time/machine.hpp"

namespace lang {

SimBackend::SimBackend(const Program& program)
    : p_(program), state_(program), cells_(*this), locks_(*this), counters_(*this), channels_(*this), futures_(*this), tasks_(*this) {}

sim::ObjectId SimBackend::named_object(sim::ObjectId& id, sim::ObjectKind kind, const std::string& name) {
  if (id == sim::no_object) id = e_->add_object(kind, name, sim::Location{p_.path(), 0});
  return id;
}

void SimBackend::fail(sim::FailureKind kind, std::string message, sim::Location at, std::vector<std::string> details) {
  e_->fail(kind, std::move(message), at, std::move(details));
  throw sim::detail::Abort{};  // fail() returns only while unwinding, which never reaches here
}

void SimBackend::run(Interpreter& in) {
  e_ = sim::Execution::current();
  if (e_ == nullptr) {
    std::fprintf(stderr, "interleave: internal error: a scenario runs only inside a simulation\n");
    std::abort();
  }
  e_->note_program(p_.fingerprint);
  state_.reset(p_);
  main_steps_ = 0;
  interpreter_ = &in;
  const bool keeps = e_->keeps_states();
  if (keeps && !scanned_) {
    // Once, and only for a search that remembers states: the others never ask.
    uncaptured_ = uncaptured_state(p_);
    symmetric_ = interchangeable_threads(p_);
    scanned_ = true;
  }
  e_->describe_state_with(keeps ? this : nullptr);
  in.track_positions(keeps && uncaptured_.empty());
  in.begin();
  // The pools' workers start before the threads. The futures and pools go when the execution
  // ends, however it ends.
  const bool pools = p_.futures != 0 || p_.pools != 0;
  struct Stop {
    SimFutures& futures;
    const bool pools;
    ~Stop() {
      if (pools) futures.stop();
    }
  } stop{futures_, pools};
  if (pools) futures_.start();
  for (std::uint32_t i = 0; i < p_.threads.size(); ++i) {
    const ThreadSpec& spec = p_.threads[i];
    ++main_steps_;
    const sim::TaskId t = e_->spawn(spec.name, p_.location(spec.pos));
    if (t == sim::no_task) return;  // the execution is stopping (too many tasks)
    e_->body_of(t).emplace([&in, i, process = spec.process] {
      if (process != 0) sim::in_process(process);
      in.run_thread(i);
    });
    state_.threads[i] = t;
  }
  for (std::uint32_t i = 0; i < p_.threads.size(); ++i) {
    ++main_steps_;
    e_->join(state_.threads[i], p_.location(p_.threads[i].pos));
  }
  if (pools) futures_.drain();  // every pool still open drains before `finally:`
  in.end();
}

std::uint32_t SimTasks::current() const { return sim::index(b_.execution().current_task()); }

std::string SimTasks::name(std::uint32_t task) const { return b_.execution().task_name(sim::TaskId{task}); }

void SimTasks::yield(sim::Location at) { sim::yield(at); }

void SimTasks::sleep(sim::Duration d, sim::Location at) { sim::sleep_for(d, at); }

void SimTasks::compute(sim::Duration d, sim::Location at) { sim::compute(d, at); }

void SimTasks::loop_enter(sim::Location at) { b_.state().event_loop.lock(at); }

void SimTasks::loop_leave(sim::Location at) { b_.state().event_loop.unlock(at); }

// The search's time ran out while a task loops over locals: the execution ends here, uncounted.
void SimTasks::checkpoint() {
  if (sim::Execution* e = sim::Execution::current(); e != nullptr && e->stop_requested()) e->stop_short();
}

void SimTasks::fail(sim::FailureKind kind, std::string message, sim::Location at, std::vector<std::string> details) {
  b_.fail(kind, std::move(message), at, std::move(details));
}

}  // namespace lang
