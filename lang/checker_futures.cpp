// Checker: futures and thread pools — set/get on futures, submit/map/shutdown on pools, and the
// `for i in as_completed results:` loop.
#include "lang/checker.hpp"

namespace lang {

namespace {

constexpr std::int64_t max_workers = 64;

std::uint32_t width(std::string_view name) { return static_cast<std::uint32_t>(name.size()); }

}  // namespace

std::int64_t Checker::workers(Expr* e) {
  const std::int64_t n = count(e, 1, "a pool's number of workers");
  if (n > max_workers) fail(e->pos, "a pool has 1 to " + std::to_string(max_workers) + " workers", width(*e));
  return n;
}

void Checker::futures(Stmt& s) {
  const bool on_future = s.kind == StmtKind::SetFuture || s.kind == StmtKind::GetFuture;
  if (s.kind != StmtKind::ForCompleted) {
    const char* use = s.kind == StmtKind::SetFuture ? "'set'" : s.kind == StmtKind::GetFuture ? "'get'" : s.kind == StmtKind::Submit ? "'submit'"
                      : s.kind == StmtKind::MapPool ? "'map'" : "'shutdown'";
    s.slot = object_named(s.name, s.name_pos, {on_future ? GlobalKind::Future : GlobalKind::Pool}, use);
    element(s.slot, s.index, s.name_pos, "use");
  }
  switch (s.kind) {
    case StmtKind::SetFuture:
      number(*s.value, value(*s.value), "'set'");
      if (s.value->kind == ExprKind::String) fail(s.value->pos, "a future carries a number, not a string", width(*s.value));
      return;
    case StmtKind::GetFuture:
      if (s.target != nullptr) receiver(*s.target, Type::Int, "the value of a future");
      if (s.target2 != nullptr) receiver(*s.target2, Type::Bool, "whether a value came");
      return;
    case StmtKind::Submit: return submission(s);
    case StmtKind::MapPool: return mapping(s);
    case StmtKind::ForCompleted: return completed_loop(s);
    default: return;
  }
}

// submit p, work(args)[, f]: the arguments are worked out by the submitter; f gets the result.
void Checker::submission(Stmt& s) {
  Expr& job = *s.value;
  expr(job);
  const ProcDecl& proc = p_.module.procs[job.slot];
  if (s.name2.empty()) return;
  s.slot2 = object_named(s.name2, s.name2_pos, {GlobalKind::Future}, "the result of 'submit'");
  element(s.slot2, s.index2, s.name2_pos, "set");
  if (!proc.returns_value) {
    fail(job.pos, "'" + std::string(job.name) + "' returns no value to set future '" + std::string(s.name2) + "' with; give it a 'return' with a value, or submit it without a future",
         width(job.name));
  }
}

// map p, square, inputs, outputs: outputs[i] = square(inputs[i]), each on a worker.
void Checker::mapping(Stmt& s) {
  Expr& proc = *s.value;
  auto it = globals_.find(proc.name);
  if (it == globals_.end() || it->second.sort != Sort::Procedure) {
    fail(proc.pos, "'map' needs a procedure of one parameter, but " +
                       (it == globals_.end() ? "there is no '" + std::string(proc.name) + "'" : "'" + std::string(proc.name) + "' is " + describe(it->second)),
         width(proc.name));
  }
  const ProcDecl& d = p_.module.procs[it->second.index];
  if (d.params.size() != 1 || !d.returns_value) {
    fail(proc.pos, "'map' calls '" + std::string(proc.name) + "' with one element and keeps what it returns, so it needs one parameter and a 'return' with a value",
         width(proc.name));
  }
  process_call(d, proc.name, proc.pos);
  s.slot2 = it->second.index;
  Expr* arrays[2] = {s.target, s.target2};
  for (Expr* a : arrays) {
    a->slot = object_named(a->name, a->pos, {GlobalKind::Shared, GlobalKind::Atomic}, "'map'");
    a->kind = ExprKind::Global;
    const Variable& v = p_.vars[a->slot];
    if (!v.array) fail(a->pos, "'map' works on arrays, and '" + v.name + "' is not one", width(a->name));
    if (v.type != Type::Int) fail(a->pos, "'map' works on numbers, and '" + v.name + "' holds bools", width(a->name));
  }
  const Variable& in = p_.vars[s.target->slot];
  const Variable& out = p_.vars[s.target2->slot];
  if (in.size != out.size) {
    fail(s.target2->pos, "'" + out.name + "' has " + std::to_string(out.size) + " elements but '" + in.name + "' has " + std::to_string(in.size) +
                             ": 'map' gives one result per input", width(s.target2->name));
  }
}

// for i in as_completed results: i is the index of each future of `results` as it completes.
void Checker::completed_loop(Stmt& s) {
  s.slot2 = object_named(s.name2, s.name2_pos, {GlobalKind::Future}, "'as_completed'");
  loop_body(s);
}

}  // namespace lang
