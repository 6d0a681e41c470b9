// Interpreter: per-execution state, the main task and thread tasks, cells, invariants, errors.
#include "lang/interpreter.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "sim/machine.hpp"
#include "sim/time.hpp"

namespace lang {

namespace {

void format_int(const void* p, std::string& out) { out += std::to_string(*static_cast<const std::int64_t*>(p)); }
void format_bool(const void* p, std::string& out) { out += *static_cast<const std::int64_t*>(p) != 0 ? "true" : "false"; }

}  // namespace

Interpreter::Interpreter(const Program& program, InterpreterOptions options)
    : p_(program), options_(options), path_(program.path()) {
  const std::size_t cells = program.cell_names.size();
  values_.resize(cells);
  ids_.resize(cells);
  cell_kinds_.resize(cells);
  cell_created_.resize(cells);
  for (const Variable& v : program.vars) {
    const sim::Location created = where(v.pos);
    switch (v.kind) {
      case GlobalKind::Shared:
      case GlobalKind::Atomic:
        for (std::uint32_t i = 0; i < v.size; ++i) {
          cell_kinds_[v.first + i] = v.kind == GlobalKind::Atomic ? sim::ObjectKind::Atomic : sim::ObjectKind::Shared;
          cell_created_[v.first + i] = created;
        }
        break;
      case GlobalKind::Condition:
      case GlobalKind::Semaphore:
        for (std::uint32_t i = 0; i < v.size; ++i) {
          std::string name = v.array ? v.name + "[" + std::to_string(i) + "]" : v.name;
          if (v.kind == GlobalKind::Condition) conditions_.push_back(std::make_unique<sim::CondVar>(name, created));
          if (v.kind == GlobalKind::Semaphore) {
            semaphores_.emplace_back();
            semaphore_names_.push_back(std::move(name));
          }
        }
        break;
      default: make_objects(v); break;
    }
  }
  tasks_.resize(program.threads.size() + 1);
  task_ids_.resize(program.threads.size());
}

Interpreter::~Interpreter() = default;

void Interpreter::reset() {
  std::copy(p_.cell_initial.begin(), p_.cell_initial.end(), values_.begin());
  std::fill(ids_.begin(), ids_.end(), sim::no_object);
  for (const Variable& v : p_.vars) {
    if (v.kind != GlobalKind::Semaphore) continue;
    for (std::uint32_t i = 0; i < v.size; ++i) semaphores_[v.first + i] = Semaphore{v.initial, v.limit, sim::no_object, {}};
  }
  output_id_ = sim::no_object;
  atomic_id_ = sim::no_object;
  local_work_ = 0;
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
  reset();
  Task& main = tasks_.back();
  start(main, -1, 0, p_.module.finally_frame);
  if (!p_.module.invariants.empty()) check_invariants(main, Pos{});
  for (std::uint32_t i = 0; i < p_.threads.size(); ++i) {
    const ThreadSpec& spec = p_.threads[i];
    const sim::TaskId t = e_->spawn(spec.name, where(spec.pos));
    if (t == sim::no_task) return;  // the execution is stopping (too many tasks)
    e_->body_of(t).emplace([this, i] { run_thread(i); });
    task_ids_[i] = t;
  }
  for (std::uint32_t i = 0; i < p_.threads.size(); ++i) e_->join(task_ids_[i], where(p_.threads[i].pos));
  if (p_.module.has_finally) exec(p_.module.finally, main);
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
  if (spec.async) loop_.lock(where(spec.pos));
  exec(decl.body, t);
  if (spec.async) loop_.unlock(where(spec.pos));
}

void Interpreter::timed(const Stmt& s, Task& t) {
  const sim::Duration d(s.duration);
  switch (s.kind) {
    case StmtKind::Compute:
      no_atomic("compute", s.pos, t);
      sim::compute(d, where(s.pos));
      return;
    case StmtKind::AwaitSleep:
      // Give the event loop to the other async tasks while this one waits.
      loop_.unlock(where(s.pos));
      sim::sleep_for(d, where(s.pos));
      loop_.lock(where(s.pos));
      return;
    default:
      no_atomic("sleep", s.pos, t);
      sim::sleep_for(d, where(s.pos));
      return;
  }
}

sim::ObjectId Interpreter::cell_object(std::uint32_t cell) {
  sim::ObjectId& id = ids_[cell];
  if (id == sim::no_object) [[unlikely]] id = e_->add_object(cell_kinds_[cell], p_.cell_names[cell], cell_created_[cell]);
  return id;
}

sim::ObjectId Interpreter::named_object(sim::ObjectId& id, sim::ObjectKind kind, const std::string& name) {
  if (id == sim::no_object) id = e_->add_object(kind, name, sim::Location{path_, 0});
  return id;
}

std::int64_t Interpreter::read(std::uint32_t cell, Pos pos, Task& t) {
  const sim::ObjectId id = cell_object(cell);
  const sim::OpKind kind = cell_kinds_[cell] == sim::ObjectKind::Atomic ? sim::OpKind::AtomicLoad : sim::OpKind::Read;
  // Inside an `atomic:` block the block's one step covers every access in it.
  if (t.atomic == 0) e_->schedule(kind, id, where(pos));
  const std::int64_t v = values_[cell];
  if (e_->observed()) {
    const bool boolean = p_.cell_types[cell] == Type::Bool;
    e_->publish(kind, id, where(pos), sim::ValueRef{&v, boolean ? &format_bool : &format_int});
  }
  return v;
}

void Interpreter::write(std::uint32_t cell, std::int64_t value, Pos pos, Task& t) {
  const sim::ObjectId id = cell_object(cell);
  const sim::OpKind kind = cell_kinds_[cell] == sim::ObjectKind::Atomic ? sim::OpKind::AtomicStore : sim::OpKind::Write;
  if (t.atomic == 0) e_->schedule(kind, id, where(pos));
  values_[cell] = value;
  if (e_->observed()) {
    const bool boolean = p_.cell_types[cell] == Type::Bool;
    e_->publish(kind, id, where(pos), sim::ValueRef{&values_[cell], boolean ? &format_bool : &format_int});
  }
  if (t.atomic == 0 && !p_.module.invariants.empty()) check_invariants(t, pos);
}

void Interpreter::check_invariants(Task& t, Pos pos) {
  for (const Expr* inv : p_.module.invariants) {
    if (eval<true>(*inv, t) != 0) continue;
    std::vector<std::string> details{"invariant " + std::string(p_.text(*inv)) + " (line " + std::to_string(inv->pos.line) + ")"};
    for (std::string& v : values_in(*inv, t)) details.push_back(std::move(v));
    const std::string message = pos.line == 0 ? "the invariant does not hold at the start" : "invariant broken: " + std::string(p_.text(*inv));
    e_->fail(sim::FailureKind::AssertionFailed, message, where(pos.line == 0 ? inv->pos : pos), std::move(details));
    throw sim::detail::Abort{};
  }
}

void Interpreter::local_work(Pos pos) {
  if (++local_work_ <= options_.max_local_work) [[likely]] return;
  e_->fail(sim::FailureKind::StepLimit,
           "more than " + std::to_string(options_.max_local_work) + " loop iterations and calls in one execution: an endless loop over locals? (the limit is --max-loop-work)",
           where(pos));
  throw sim::detail::Abort{};
}

void Interpreter::runtime_error(Pos pos, std::string message, std::vector<std::string> details) {
  e_->fail(sim::FailureKind::AssertionFailed, "runtime error: " + message, where(pos), std::move(details));
  throw sim::detail::Abort{};  // fail() returns only while unwinding, which never reaches here
}

std::string Interpreter::show(std::int64_t value, Type type) const {
  switch (type) {
    case Type::Bool: return value != 0 ? "true" : "false";
    case Type::Name:
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
