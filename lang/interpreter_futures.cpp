// Interpreter: futures and thread pools — who set, submitted and took each future (the misuse the
// language defines), the jobs a worker runs; each step goes to the backend (in a simulation,
// sim::Promise/Future, sim::ThreadPool and as_completed's queue: lang/sim/sim_futures.cpp).
#include <algorithm>

#include "lang/interpreter.hpp"

namespace lang {

// The uses are read and marked under a lock (real threads share them), released before a finding.
Interpreter::FutureUse Interpreter::use_future(std::uint32_t n, std::uint32_t FutureUse::*field, std::uint32_t mark) {
  std::lock_guard lock(uses_mutex_);
  const FutureUse before = uses_[n];
  if (field != nullptr && before.*field == 0) {
    uses_[n].*field = mark;
    if (field == &FutureUse::taken) uses_[n].taker = b_.tasks.current();
  }
  return before;
}

Interpreter::Flow Interpreter::futures(const Stmt& s, Task& t) {
  no_atomic(waiting_keyword(s.kind), s.pos, t);
  const sim::Location at = where(s.pos);
  if (s.kind == StmtKind::ForCompleted) return completed_loop(s, t);
  const Variable& v = p_.vars[s.slot];
  const std::uint32_t n = object_element(v, s.index, s.name_pos, t);
  switch (s.kind) {
    case StmtKind::SetFuture: {
      const std::int64_t value = eval<false>(*s.value, t);
      if (const std::uint32_t owner = use_future(n, nullptr, 0).owner; owner != 0) {
        misuse(b_.tasks.name(b_.tasks.current()) + " sets future " + v.element_name(n - v.first) + ", which the job submitted at line " +
                   std::to_string(owner) + " sets when it ends: a future is set once",
               s.pos);
      }
      b_.futures.set(n, value, at);
      return Flow::Next;
    }
    case StmtKind::GetFuture: get(s, v, n, t); return Flow::Next;
    case StmtKind::Submit: submit(s, n, t); return Flow::Next;
    case StmtKind::MapPool: map(s, n, t); return Flow::Next;
    default: b_.futures.shutdown(n, s.cancel, at); return Flow::Next;
  }
}

void Interpreter::misuse(const std::string& message, Pos pos) { fail(sim::FailureKind::FutureMisuse, message, pos); }

// get f, x, ok: wait for f, take its value; ok is false (and x 0) if its job was cancelled.
void Interpreter::get(const Stmt& s, const Variable& v, std::uint32_t n, Task& t) {
  if (const FutureUse before = use_future(n, &FutureUse::taken, s.pos.line); before.taken != 0) {
    misuse(b_.tasks.name(b_.tasks.current()) + " gets future " + v.element_name(n - v.first) + ", whose value " + b_.tasks.name(before.taker) +
               " took at line " + std::to_string(before.taken) + ": a future's value is taken once",
           s.pos);
  }
  const std::optional<std::int64_t> value = b_.futures.get(n, where(s.pos));
  if (!value && s.target2 == nullptr) {
    runtime_error(s.pos, "future " + v.element_name(n - v.first) + " has no value: the job submitted at line " + std::to_string(use_future(n, nullptr, 0).owner) +
                             " to set it was cancelled by a shutdown (write 'get " + v.element_name(n - v.first) + ", x, ok' to be told)");
  }
  received(s, value, t);
}

// submit p, work(args)[, f]: the arguments are worked out here; a worker runs the procedure.
void Interpreter::submit(const Stmt& s, std::uint32_t pool, Task& t) {
  const Expr& call = *s.value;
  std::vector<std::int64_t> args;
  for (const Expr* a : call.args) args.push_back(eval<false>(*a, t));
  std::uint32_t future = Futures::no_future;
  if (!s.name2.empty()) {
    const Variable& fv = p_.vars[s.slot2];
    future = object_element(fv, s.index2, s.name2_pos, t);
    if (const std::uint32_t owner = use_future(future, &FutureUse::owner, s.pos.line).owner; owner != 0) {
      misuse(b_.tasks.name(b_.tasks.current()) + " submits a job to set future " + fv.element_name(future - fv.first) + ", which the job submitted at line " +
                 std::to_string(owner) + " already sets: a future is set once",
             s.pos);
    }
  }
  const std::uint32_t proc = call.slot;
  b_.futures.submit(pool, [this, proc, args = std::move(args)] { return run_job(proc, args); }, future, where(s.pos));
}

// map p, f, in, out: out[i] = f(in[i]) on the workers; waits for all, results in input order.
void Interpreter::map(const Stmt& s, std::uint32_t pool, Task& t) {
  const Variable& in = p_.vars[s.target->slot];
  const Variable& out = p_.vars[s.target2->slot];
  std::vector<std::int64_t> inputs;
  for (std::uint32_t i = 0; i < in.size; ++i) inputs.push_back(read(in.first + i, s.pos, t));
  const std::uint32_t proc = s.slot2;
  const std::vector<std::int64_t> results = b_.futures.map(pool, [this, proc](std::int64_t x) { return run_job(proc, {x}); }, inputs, where(s.pos));
  for (std::uint32_t i = 0; i < out.size; ++i) write(out.first + i, results[i], s.pos, t);
}

// One job on a worker: the procedure with its arguments, in a task of its own; `self` is the worker.
std::int64_t Interpreter::run_job(std::uint32_t proc, const std::vector<std::int64_t>& args) {
  const ProcDecl& d = p_.module.procs[proc];
  Task job;
  start(job, -2 - static_cast<std::int64_t>(b_.tasks.current()), 0, std::max<std::uint32_t>(d.frame_size, static_cast<std::uint32_t>(args.size())));
  std::copy(args.begin(), args.end(), job.locals.begin());
  job.depth = 1;
  local_work(d.name.pos);
  return exec(d.body, job) == Flow::Return ? job.result : 0;
}

// for i in as_completed fs: i is each index of fs whose future completes, in completion order
// (those whose value was taken already are left out).
Interpreter::Flow Interpreter::completed_loop(const Stmt& s, Task& t) {
  const Variable& v = p_.vars[s.slot2];
  const sim::Location at = where(s.pos);
  std::vector<std::uint32_t> futures;
  std::vector<std::uint32_t> index;
  for (std::uint32_t i = 0; i < v.size; ++i) {
    if (use_future(v.first + i, nullptr, 0).taken != 0) continue;
    futures.push_back(v.first + i);
    index.push_back(i);
  }
  const std::unique_ptr<Futures::Completions> completed = b_.futures.completions(futures, at);
  while (const std::optional<std::size_t> k = completed->next(at)) {
    t.locals[t.base + s.slot] = static_cast<std::int64_t>(index[*k]);
    local_work(s.pos);
    const Flow f = exec(s.body, t);
    if (f == Flow::Break) break;
    if (f == Flow::Return) return f;
  }
  return Flow::Next;
}

}  // namespace lang
