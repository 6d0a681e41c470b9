// Interpreter: a run's beginning and end, thread tasks, reads and writes of cells, invariants, errors.
#include "lang/interpreter.hpp"

#include <algorithm>

namespace lang {

Interpreter::Interpreter(const Program& program, InterpreterOptions options, Backend backend)
    : p_(program), options_(options), path_(program.path()), b_(backend) {
  tasks_.resize(program.threads.size() + 1);
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

void Interpreter::begin() {
  for (Task& t : tasks_) {
    t.trail.clear();
    t.live = false;
  }
  tasks_.back().live = true;
  uses_.assign(p_.futures, FutureUse{});
  local_work_.store(0, std::memory_order_relaxed);
  output_.clear();
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
  t.live = true;
  if (spec.async) b_.tasks.loop_enter(where(spec.pos));
  exec(decl.body, t);
  if (spec.async) b_.tasks.loop_leave(where(spec.pos));
}

void Interpreter::timed(const Stmt& s, Task& t) {
  const sim::Duration d(s.duration);
  switch (s.kind) {
    case StmtKind::Yield:
      no_atomic("yield", s.pos, t);
      b_.tasks.yield(where(s.pos));
      return;
    case StmtKind::Compute:
      no_atomic("compute", s.pos, t);
      b_.tasks.compute(d, where(s.pos));
      return;
    case StmtKind::AwaitSleep:
      // Give the event loop to the other async tasks while this one waits.
      b_.tasks.loop_leave(where(s.pos));
      b_.tasks.sleep(d, where(s.pos));
      b_.tasks.loop_enter(where(s.pos));
      return;
    default:
      no_atomic("sleep", s.pos, t);
      b_.tasks.sleep(d, where(s.pos));
      return;
  }
}

void Interpreter::task_state(std::size_t index, std::vector<std::uint64_t>& out) const {
  const Task& t = tasks_[index];
  if (!t.live) {
    out.push_back(0);
    return;
  }
  out.push_back(1 + t.trail.size());
  for (std::int64_t w : t.trail) out.push_back(static_cast<std::uint64_t>(w));
  const std::size_t locals = std::min<std::size_t>(t.locals.size(), std::size_t{t.base} + t.frame);
  out.push_back(locals);
  for (std::size_t i = 0; i < locals; ++i) out.push_back(static_cast<std::uint64_t>(t.locals[i]));
  out.push_back(static_cast<std::uint64_t>(t.result));
}

void Interpreter::write(std::uint32_t cell, std::int64_t value, Pos pos, Task& t, Order order) {
  b_.cells.store(cell, value, where(pos), t.atomic == 0, order);
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
  // A long loop over locals takes no step: the run may be stopping.
  if ((work & 4095) == 0) [[unlikely]] b_.tasks.checkpoint();
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
      if (value < -1) return b_.tasks.name(static_cast<std::uint32_t>(-2 - value));  // a pool's worker
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
