// Interpreter: per-execution state, the main task and thread tasks, cells, invariants, errors.
#include "lang/interpreter.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "lang/sim_futures.hpp"
#include "sim/time/machine.hpp"
#include "sim/time/time.hpp"

namespace lang {

std::unique_ptr<Backend> make_sim_backend(Interpreter& in);  // backend_sim.cpp

Interpreter::Interpreter(const Program& program, InterpreterOptions options, Backend* backend)
    : p_(program), options_(options), path_(program.path()) {
  if (backend == nullptr) own_backend_ = make_sim_backend(*this);
  b_ = backend != nullptr ? backend : own_backend_.get();
  values_.resize(program.cell_names.size());
  for (const Variable& v : program.vars) {
    if (v.kind == GlobalKind::Shared || v.kind == GlobalKind::Atomic || v.kind == GlobalKind::Semaphore) continue;
    if (v.kind != GlobalKind::Condition) {
      make_objects(v);
      continue;
    }
    for (std::uint32_t i = 0; i < v.size; ++i) {
      conditions_.push_back(std::make_unique<sim::CondVar>(v.array ? v.name + "[" + std::to_string(i) + "]" : v.name, where(v.pos)));
    }
  }
  tasks_.resize(program.threads.size() + 1);
  task_ids_.resize(program.threads.size());
}

Interpreter::~Interpreter() = default;

void Interpreter::reset() {
  std::copy(p_.cell_initial.begin(), p_.cell_initial.end(), values_.begin());
  b_->reset();
  uses_.assign(p_.futures, FutureUse{});
  local_work_.store(0, std::memory_order_relaxed);
  output_.clear();
}

void Interpreter::start(Task& t, std::int64_t self, std::int64_t id, std::uint32_t frame) {
  t.base = 0;
  t.frame = frame;
  t.depth = 0;
  t.atomic = 0;
  t.result = 0;
  t.self = self;
  t.id = id;
  t.stack_top = static_cast<const char*>(__builtin_frame_address(0));
  if (t.locals.size() < frame) t.locals.resize(frame);
}

void Interpreter::run() {
  e_ = sim::Execution::current();
  if (e_ == nullptr) {
    std::fprintf(stderr, "interleave: internal error: a scenario runs only inside a simulation\n");
    std::abort();
  }
  begin();
  // The pools' workers start before the threads.
  std::optional<SimFutures> futures;
  if (p_.futures != 0 || p_.pools != 0) futures.emplace(p_);
  sim_futures_ = futures ? &*futures : nullptr;
  for (std::uint32_t i = 0; i < p_.threads.size(); ++i) {
    const ThreadSpec& spec = p_.threads[i];
    const sim::TaskId t = e_->spawn(spec.name, where(spec.pos));
    if (t == sim::no_task) return;  // the execution is stopping (too many tasks)
    e_->body_of(t).emplace([this, i] { run_thread(i); });
    task_ids_[i] = t;
  }
  for (std::uint32_t i = 0; i < p_.threads.size(); ++i) e_->join(task_ids_[i], where(p_.threads[i].pos));
  if (futures) futures->drain();  // every pool still open drains before `finally:`
  end();
}

void Interpreter::begin() {
  reset();
  Task& main = tasks_.back();
  start(main, -1, 0, p_.module.finally_frame);
  if (!p_.module.invariants.empty()) check_invariants(main, Pos{});
}

void Interpreter::end() {
  if (p_.module.has_finally) exec(p_.module.finally, tasks_.back());
  if (options_.tally != nullptr) options_.tally->add(output_);
}

void OutputTally::add(const std::string& output) {
  std::lock_guard lock(mutex_);
  ++counts_[output];
}

std::vector<std::pair<std::string, std::uint64_t>> OutputTally::sorted() const {
  std::lock_guard lock(mutex_);
  std::vector<std::pair<std::string, std::uint64_t>> out(counts_.begin(), counts_.end());
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  return out;
}

void Interpreter::run_thread(std::uint32_t index) {
  const ThreadSpec& spec = p_.threads[index];
  const ThreadDecl& decl = p_.module.threads[spec.decl];
  Task& t = tasks_[index];
  start(t, index, spec.id, decl.frame_size);
  if (spec.process != 0) sim::in_process(spec.process);
  if (spec.async) b_->loop_enter(where(spec.pos));
  exec(decl.body, t);
  if (spec.async) b_->loop_leave(where(spec.pos));
}

void Interpreter::timed(const Stmt& s, Task& t) {
  const sim::Duration d(s.duration);
  switch (s.kind) {
    case StmtKind::Compute:
      no_atomic("compute", s.pos, t);
      b_->compute(d, where(s.pos));
      return;
    case StmtKind::AwaitSleep:
      // Give the event loop to the other async tasks while this one waits.
      b_->loop_leave(where(s.pos));
      b_->sleep(d, where(s.pos));
      b_->loop_enter(where(s.pos));
      return;
    default:
      no_atomic("sleep", s.pos, t);
      b_->sleep(d, where(s.pos));
      return;
  }
}

std::int64_t Interpreter::read(std::uint32_t cell, Pos pos, Task& t) { return b_->load(cell, where(pos), t.atomic == 0); }

void Interpreter::write(std::uint32_t cell, std::int64_t value, Pos pos, Task& t) {
  b_->store(cell, value, where(pos), t.atomic == 0);
  if (t.atomic == 0 && !p_.module.invariants.empty()) check_invariants(t, pos);
}

void Interpreter::check_invariants(Task& t, Pos pos) {
  for (const Expr* inv : p_.module.invariants) {
    if (eval<true>(*inv, t) != 0) continue;
    std::vector<std::string> details{"invariant " + std::string(p_.text(*inv)) + " (line " + std::to_string(inv->pos.line) + ")"};
    for (std::string& v : values_in(*inv, t)) details.push_back(std::move(v));
    const std::string message = pos.line == 0 ? "the invariant does not hold at the start" : "invariant broken: " + std::string(p_.text(*inv));
    fail(sim::FailureKind::AssertionFailed, message, pos.line == 0 ? inv->pos : pos, std::move(details));
  }
}

void Interpreter::local_work(Pos pos) {
  const std::uint64_t work = local_work_.load(std::memory_order_relaxed) + 1;
  local_work_.store(work, std::memory_order_relaxed);
  if (work <= options_.max_local_work) [[likely]] return;
  fail(sim::FailureKind::StepLimit,
       "more than " + std::to_string(options_.max_local_work) + " loop iterations and calls in one execution: an endless loop over locals? (the limit is --max-loop-work)",
       pos);
}

void Interpreter::runtime_error(Pos pos, std::string message, std::vector<std::string> details) {
  fail(sim::FailureKind::AssertionFailed, "runtime error: " + message, pos, std::move(details));
}

std::string Interpreter::show(std::int64_t value, Type type) const {
  switch (type) {
    case Type::Bool: return value != 0 ? "true" : "false";
    case Type::Name:
      if (value < -1) return b_->task_name(static_cast<std::uint32_t>(-2 - value));  // a pool's worker
      if (value < 0 || static_cast<std::size_t>(value) >= p_.threads.size()) return "main";
      return p_.threads[static_cast<std::size_t>(value)].name;
    default: return std::to_string(value);
  }
}

// "name = value" for each variable a failed condition mentions, as it is now (taking no steps).
std::vector<std::string> Interpreter::values_in(const Expr& e, Task& t) {
  std::vector<std::string> out;
  std::vector<const Expr*> todo{&e};
  while (!todo.empty()) {
    const Expr* x = todo.back();
    todo.pop_back();
    if (x == nullptr) continue;
    if ((x->kind == ExprKind::Local || (x->kind == ExprKind::Global && x->a == nullptr)) ||
        (x->kind == ExprKind::Global && x->a->kind == ExprKind::Int)) {
      const std::string line = std::string(p_.text(*x)) + " = " + show(eval<true>(*x, t), x->type);
      bool seen = false;
      for (const std::string& o : out) seen = seen || o == line;
      if (!seen) out.push_back(line);
      continue;
    }
    if (x->kind == ExprKind::CallProc || x->kind == ExprKind::AtomicOp) continue;
    todo.push_back(x->b);
    todo.push_back(x->a);
  }
  return out;
}

}  // namespace lang
