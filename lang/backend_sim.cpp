// SimBackend: each scenario step announced to the current sim::Execution (scheduled, then
// published to the observers), on cells bound lazily to Execution objects and the sim primitives.
#include <limits>
#include <mutex>

#include "lang/interpreter.hpp"
#include "lang/sim_futures.hpp"
#include "sim/sync/select.hpp"
#include "sim/sync/thread.hpp"

namespace lang {

namespace {

void format_int(const void* p, std::string& out) { out += std::to_string(*static_cast<const std::int64_t*>(p)); }
void format_bool(const void* p, std::string& out) { out += *static_cast<const std::int64_t*>(p) != 0 ? "true" : "false"; }
void format_text(const void* p, std::string& out) { out += *static_cast<const std::string*>(p); }

// A select's receive case keeps what it got here until its body runs.
struct Got {
  std::optional<std::int64_t>* out;
  void operator()(std::optional<std::int64_t> v) const { *out = v; }
};

}  // namespace

class SimBackend final : public Backend {
 public:
  explicit SimBackend(Interpreter& in);

  void reset() override;
  std::int64_t load(std::uint32_t cell, sim::Location at, bool step) override;
  void store(std::uint32_t cell, std::int64_t value, sim::Location at, bool step) override;
  std::int64_t update(std::uint32_t cell, Next next, void* context, sim::Location at, bool step) override;
  void atomic_begin(sim::Location at) override;
  void atomic_end(sim::Location at) override;
  void print(const std::string& text, sim::Location at, bool step) override;
  void lock(std::uint32_t mutex, sim::Location at) override;
  bool lock_for(std::uint32_t mutex, sim::Duration timeout, sim::Location at) override;
  void unlock(std::uint32_t mutex, sim::Location at) override;
  void wait(std::uint32_t condition, std::uint32_t mutex, sim::Location at) override;
  void notify(std::uint32_t condition, bool all, sim::Location at) override;
  void acquire(std::uint32_t semaphore, sim::Location at) override;
  void release(std::uint32_t semaphore, sim::Location at) override;
  void rw_lock(std::uint32_t n, Hold hold, sim::Location at) override {
    hold == Hold::Shared ? in_.rwlocks_[n]->lock_shared(at) : in_.rwlocks_[n]->lock(at);
  }
  void rw_unlock(std::uint32_t n, Hold hold, sim::Location at) override {
    hold == Hold::Shared ? in_.rwlocks_[n]->unlock_shared(at) : in_.rwlocks_[n]->unlock(at);
  }
  void count_down(std::uint32_t n, std::int64_t by, sim::Location at) override { in_.latches_[n]->count_down(by, at); }
  void latch_wait(std::uint32_t n, sim::Location at) override { in_.latches_[n]->wait(at); }
  void latch_arrive(std::uint32_t n, sim::Location at) override { in_.latches_[n]->arrive_and_wait(1, at); }
  void barrier_arrive(std::uint32_t n, sim::Location at) override { in_.barriers_[n]->arrive_and_wait(at); }
  void barrier_drop(std::uint32_t n, sim::Location at) override { in_.barriers_[n]->arrive_and_drop(at); }
  void send(std::uint32_t n, std::int64_t value, sim::Location at) override { in_.channels_[n]->send(value, at); }
  std::optional<std::int64_t> recv(std::uint32_t n, sim::Location at) override { return in_.channels_[n]->recv(at); }
  void close(std::uint32_t n, sim::Location at) override { in_.channels_[n]->close(at); }
  std::size_t select(std::span<const Arm> arms, bool has_else, std::optional<std::int64_t>& got) override;
  void set_future(std::uint32_t n, std::int64_t value, sim::Location at) override { in_.sim_futures_->set(n, value, at); }
  std::optional<std::int64_t> get_future(std::uint32_t n, sim::Location at) override { return in_.sim_futures_->get(n, at); }
  void submit(std::uint32_t pool, Job job, std::uint32_t future, sim::Location at) override { in_.sim_futures_->submit(pool, std::move(job), future, at); }
  std::vector<std::int64_t> map(std::uint32_t pool, const MapJob& job, const std::vector<std::int64_t>& inputs, sim::Location at) override {
    return in_.sim_futures_->map(pool, job, inputs, at);
  }
  void shutdown(std::uint32_t pool, bool cancel, sim::Location at) override { in_.sim_futures_->shutdown(pool, cancel, at); }
  std::unique_ptr<Completions> completions(const std::vector<std::uint32_t>& futures, sim::Location at) override {
    return in_.sim_futures_->completions(futures, at);
  }
  std::uint32_t current_task() const override { return sim::index(in_.e_->current_task()); }
  std::string task_name(std::uint32_t task) const override { return in_.e_->task_name(sim::TaskId{task}); }
  void loop_enter(sim::Location at) override { in_.loop_.lock(at); }
  void loop_leave(sim::Location at) override { in_.loop_.unlock(at); }
  void yield(sim::Location at) override { sim::yield(at); }
  void sleep(sim::Duration d, sim::Location at) override { sim::sleep_for(d, at); }
  void compute(sim::Duration d, sim::Location at) override { sim::compute(d, at); }
  [[noreturn]] void fail(sim::FailureKind kind, std::string message, sim::Location at, std::vector<std::string> details) override {
    in_.e_->fail(kind, std::move(message), at, std::move(details));
    throw sim::detail::Abort{};  // fail() returns only while unwinding, which never reaches here
  }

 private:
  struct Semaphore {
    std::int64_t count = 0;
    std::int64_t max = -1;  // -1: no max
    sim::ObjectId id = sim::no_object;
    sim::WaitList waiters;
  };
  sim::Execution& e() { return *in_.e_; }
  sim::ObjectId cell_object(std::uint32_t cell);
  sim::ObjectId named_object(sim::ObjectId& id, sim::ObjectKind kind, const std::string& name);
  sim::ValueRef value_ref(std::uint32_t cell, const std::int64_t* v) const {
    return sim::ValueRef{v, in_.p_.cell_types[cell] == Type::Bool ? &format_bool : &format_int};
  }
  Semaphore& semaphore(std::uint32_t n);

  Interpreter& in_;
  std::vector<sim::ObjectId> ids_;           // per cell, no_object until first touched
  std::vector<sim::ObjectKind> cell_kinds_;  // per cell
  std::vector<sim::Location> cell_created_;  // per cell: its declaration
  std::vector<Semaphore> semaphores_;
  std::vector<std::string> semaphore_names_;  // sized once: objects keep references to them
  sim::ObjectId output_id_ = sim::no_object;
  sim::ObjectId atomic_id_ = sim::no_object;
  const std::string output_name_ = "output";
  const std::string atomic_name_ = "atomic";
};

std::unique_ptr<Backend> make_sim_backend(Interpreter& in) { return std::make_unique<SimBackend>(in); }

SimBackend::SimBackend(Interpreter& in) : in_(in) {
  const Program& p = in.p_;
  ids_.resize(p.cell_names.size());
  cell_kinds_.resize(p.cell_names.size());
  cell_created_.resize(p.cell_names.size());
  for (const Variable& v : p.vars) {
    for (std::uint32_t i = 0; i < v.size; ++i) {
      if (v.kind == GlobalKind::Shared || v.kind == GlobalKind::Atomic) {
        cell_kinds_[v.first + i] = v.kind == GlobalKind::Atomic ? sim::ObjectKind::Atomic : sim::ObjectKind::Shared;
        cell_created_[v.first + i] = p.location(v.pos);
      }
      if (v.kind == GlobalKind::Semaphore) {
        semaphores_.emplace_back();
        semaphore_names_.push_back(v.array ? v.name + "[" + std::to_string(i) + "]" : v.name);
      }
    }
  }
}

void SimBackend::reset() {
  std::fill(ids_.begin(), ids_.end(), sim::no_object);
  for (const Variable& v : in_.p_.vars) {
    if (v.kind != GlobalKind::Semaphore) continue;
    for (std::uint32_t i = 0; i < v.size; ++i) semaphores_[v.first + i] = Semaphore{v.initial, v.limit, sim::no_object, {}};
  }
  output_id_ = sim::no_object;
  atomic_id_ = sim::no_object;
}

sim::ObjectId SimBackend::cell_object(std::uint32_t cell) {
  sim::ObjectId& id = ids_[cell];
  if (id == sim::no_object) [[unlikely]] id = e().add_object(cell_kinds_[cell], in_.p_.cell_names[cell], cell_created_[cell]);
  return id;
}

sim::ObjectId SimBackend::named_object(sim::ObjectId& id, sim::ObjectKind kind, const std::string& name) {
  if (id == sim::no_object) id = e().add_object(kind, name, sim::Location{in_.path_, 0});
  return id;
}

std::int64_t SimBackend::load(std::uint32_t cell, sim::Location at, bool step) {
  const sim::ObjectId id = cell_object(cell);
  const sim::OpKind kind = cell_kinds_[cell] == sim::ObjectKind::Atomic ? sim::OpKind::AtomicLoad : sim::OpKind::Read;
  if (step) e().schedule(kind, id, at);
  const std::int64_t v = in_.values_[cell];
  if (e().observed()) e().publish(kind, id, at, value_ref(cell, &v));
  return v;
}

void SimBackend::store(std::uint32_t cell, std::int64_t value, sim::Location at, bool step) {
  const sim::ObjectId id = cell_object(cell);
  const sim::OpKind kind = cell_kinds_[cell] == sim::ObjectKind::Atomic ? sim::OpKind::AtomicStore : sim::OpKind::Write;
  if (step) e().schedule(kind, id, at);
  in_.values_[cell] = value;
  if (e().observed()) e().publish(kind, id, at, value_ref(cell, &in_.values_[cell]));
}

std::int64_t SimBackend::update(std::uint32_t cell, Next next, void* context, sim::Location at, bool step) {
  const sim::ObjectId id = cell_object(cell);
  if (step) e().schedule(sim::OpKind::AtomicRmw, id, at);
  std::int64_t& value = in_.values_[cell];
  const std::int64_t old = value;
  value = next(context, old);
  if (e().observed()) e().publish(sim::OpKind::AtomicRmw, id, at, value_ref(cell, &value));
  return old;
}

// One step for the whole block, shown as taking a lock named "atomic": every access inside is
// ordered with every other atomic block, and a plain access elsewhere still races with them.
void SimBackend::atomic_begin(sim::Location at) {
  const sim::ObjectId id = named_object(atomic_id_, sim::ObjectKind::Mutex, atomic_name_);
  e().schedule(sim::OpKind::Lock, id, at);
  e().publish(sim::OpKind::Lock, id, at);
}

void SimBackend::atomic_end(sim::Location at) { e().publish(sim::OpKind::Unlock, named_object(atomic_id_, sim::ObjectKind::Mutex, atomic_name_), at); }

// Output goes to one stream every thread shares, so each print is a step on it.
void SimBackend::print(const std::string& text, sim::Location at, bool step) {
  const sim::ObjectId id = named_object(output_id_, sim::ObjectKind::Shared, output_name_);
  if (step) e().schedule(sim::OpKind::Print, id, at);
  if (e().observed()) e().publish(sim::OpKind::Print, id, at, sim::ValueRef{&text, &format_text});
}

void SimBackend::lock(std::uint32_t n, sim::Location at) {
  if (in_.mutexes_[n] != nullptr) return in_.mutexes_[n]->lock(at);
  if (in_.recursive_[n] != nullptr) return in_.recursive_[n]->lock(at);
  in_.timed_[n]->lock(at);
}

bool SimBackend::lock_for(std::uint32_t n, sim::Duration timeout, sim::Location at) { return in_.timed_[n]->try_lock_for(timeout, at); }

void SimBackend::unlock(std::uint32_t n, sim::Location at) {
  if (in_.mutexes_[n] != nullptr) return in_.mutexes_[n]->unlock(at);
  if (in_.recursive_[n] != nullptr) return in_.recursive_[n]->unlock(at);
  in_.timed_[n]->unlock(at);
}

void SimBackend::wait(std::uint32_t condition, std::uint32_t mutex, sim::Location at) {
  sim::Mutex& m = *in_.mutexes_[mutex];
  // The scenario holds the mutex itself (lock block or acquire): lend it to the wait, never
  // let the unique_lock unlock it.
  std::unique_lock<sim::Mutex> lock(m, std::adopt_lock);
  struct Lend {
    std::unique_lock<sim::Mutex>& lock;
    ~Lend() { lock.release(); }
  } lend{lock};
  in_.conditions_[condition]->wait(lock, at);
}

void SimBackend::notify(std::uint32_t condition, bool all, sim::Location at) {
  if (all) return in_.conditions_[condition]->notify_all(at);
  in_.conditions_[condition]->notify_one(at);
}

// The sim select takes one ready case — which one, when several are, is the strategy's choice.
std::size_t SimBackend::select(std::span<const Arm> arms, bool has_else, std::optional<std::int64_t>& got) {
  std::vector<std::unique_ptr<sim::detail::SelectCase>> cases;
  for (const Arm& a : arms) {
    sim::Channel<std::int64_t>& ch = *in_.channels_[a.channel];
    if (a.sends) {
      cases.push_back(std::make_unique<sim::detail::SendCase<std::int64_t, sim::detail::NoHandler>>(ch, a.value, sim::detail::NoHandler{}, a.at));
    } else {
      cases.push_back(std::make_unique<sim::detail::RecvCase<std::int64_t, Got>>(ch, Got{&got}, a.at));
    }
  }
  std::vector<sim::detail::SelectCase*> ops;
  for (const auto& c : cases) ops.push_back(c.get());
  const std::size_t k = sim::detail::run_select(ops, has_else);
  if (k < cases.size()) cases[k]->handle();
  return k;
}

SimBackend::Semaphore& SimBackend::semaphore(std::uint32_t n) {
  Semaphore& s = semaphores_[n];
  named_object(s.id, sim::ObjectKind::Atomic, semaphore_names_[n]);
  return s;
}

// A counting semaphore on the Execution's wait lists: acquire waits while the count is 0. Its
// steps are read-modify-writes of the count, which orders a release before the acquire it enables.
void SimBackend::acquire(std::uint32_t n, sim::Location at) {
  Semaphore& s = semaphore(n);
  const sim::TaskId me = e().current_task();
  e().enlist(s.waiters, me, sim::Waiting{sim::OpKind::AtomicRmw, s.id, sim::no_task, at});
  if (s.count == 0) e().block(me);
  e().schedule(sim::OpKind::AtomicRmw, s.id, at);
  // Chosen to run, so the count is above zero.
  e().delist(s.waiters, me);
  --s.count;
  if (s.count == 0) e().block_all(s.waiters);
  e().publish(sim::OpKind::AtomicRmw, s.id, at, sim::ValueRef{&s.count, &format_int});
}

void SimBackend::release(std::uint32_t n, sim::Location at) {
  Semaphore& s = semaphore(n);
  e().schedule(sim::OpKind::AtomicRmw, s.id, at);
  if (s.count == std::numeric_limits<std::int64_t>::max()) fail(sim::FailureKind::AssertionFailed, "runtime error: semaphore count overflow", at, {});
  if (s.count == s.max) {
    // A release that would lift a semaphore above its declared max: the classic double release.
    fail(sim::FailureKind::SyncMisuse,
         e().task_name(e().current_task()) + " releases semaphore " + semaphore_names_[n] + " past its max of " + std::to_string(s.max) +
             ": more releases than acquires",
         at, {});
  }
  ++s.count;
  e().unblock_all(s.waiters);
  e().publish(sim::OpKind::AtomicRmw, s.id, at, sim::ValueRef{&s.count, &format_int});
}

}  // namespace lang
