// Interpreter: futures and thread pools — each statement drives sim::Promise/Future, sim::ThreadPool
// or as_completed's queue, so their deadlock stories, misuse findings and happens-before edges are
// the C++ API's. They are made afresh for each execution, in main, before the threads start.
#include <future>

#include "lang/interpreter.hpp"
#include "sim/as_completed.hpp"
#include "sim/thread_pool.hpp"

namespace lang {

struct Interpreter::FutureRun {
  // Per future: its promise, until a job takes it to set when the job ends.
  std::vector<std::optional<sim::Promise<std::int64_t>>> promises;
  std::vector<sim::Future<std::int64_t>> futures;
  std::vector<std::uint32_t> owner;  // the line of the `submit` whose job sets it (0: none)
  std::vector<sim::TaskId> taker;    // who took its value with `get`
  std::vector<std::uint32_t> taken;  // and at which line
  // Destroyed first (members go in reverse): their workers end before the promises go.
  std::vector<std::unique_ptr<sim::ThreadPool>> pools;
};

void Interpreter::FutureRunEnd::operator()(FutureRun* run) const { delete run; }

namespace {

std::string element_name(const Variable& v, std::uint32_t n) {
  return v.array ? v.name + "[" + std::to_string(n - v.first) + "]" : v.name;
}

}  // namespace

std::unique_ptr<Interpreter::FutureRun, Interpreter::FutureRunEnd> Interpreter::start_futures() {
  futures_ = nullptr;
  if (p_.futures == 0 && p_.pools == 0) return nullptr;
  std::unique_ptr<FutureRun, FutureRunEnd> run(new FutureRun);
  run->promises.resize(p_.futures);
  run->futures.resize(p_.futures);
  run->owner.assign(p_.futures, 0);
  run->taker.assign(p_.futures, sim::no_task);
  run->taken.assign(p_.futures, 0);
  for (const Variable& v : p_.vars) {
    for (std::uint32_t n = v.first; n < v.first + v.size; ++n) {
      if (v.kind == GlobalKind::Future) {
        run->promises[n].emplace(element_name(v, n), where(v.pos));
        run->futures[n] = run->promises[n]->get_future(where(v.pos));
      } else if (v.kind == GlobalKind::Pool) {
        run->pools.push_back(std::make_unique<sim::ThreadPool>(static_cast<std::size_t>(v.initial), element_name(v, n), where(v.pos)));
      }
    }
  }
  futures_ = run.get();
  return run;
}

// The end of a run: every pool still open drains its queue and stops, before `finally:`.
void Interpreter::stop_pools() {
  if (futures_ == nullptr) return;
  for (const Variable& v : p_.vars) {
    if (v.kind != GlobalKind::Pool) continue;
    for (std::uint32_t n = v.first; n < v.first + v.size; ++n) futures_->pools[n]->shutdown(sim::Shutdown::Drain, where(v.pos));
  }
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
      std::optional<sim::Promise<std::int64_t>>& promise = futures_->promises[n];
      if (!promise) {
        misuse(e_->task_name(e_->current_task()) + " sets future " + element_name(v, n) + ", which the job submitted at line " +
                   std::to_string(futures_->owner[n]) + " sets when it ends: a future is set once",
               s.pos);
      }
      promise->set_value(value, at);
      return Flow::Next;
    }
    case StmtKind::GetFuture: get(s, v, n, t); return Flow::Next;
    case StmtKind::Submit: submit(s, n, t); return Flow::Next;
    case StmtKind::MapPool: map(s, n, t); return Flow::Next;
    default: futures_->pools[n]->shutdown(s.cancel ? sim::Shutdown::Cancel : sim::Shutdown::Drain, at); return Flow::Next;
  }
}

void Interpreter::misuse(const std::string& message, Pos pos) { fail(sim::FailureKind::FutureMisuse, message, pos); }

// get f, x, ok: wait for f, take its value; ok is false (and x 0) if its job was cancelled.
void Interpreter::get(const Stmt& s, const Variable& v, std::uint32_t n, Task& t) {
  sim::Future<std::int64_t>& f = futures_->futures[n];
  const std::string& me = e_->task_name(e_->current_task());
  if (!f.valid()) {
    misuse(me + " gets future " + element_name(v, n) + ", whose value " + e_->task_name(futures_->taker[n]) + " took at line " +
               std::to_string(futures_->taken[n]) + ": a future's value is taken once",
           s.pos);
  }
  futures_->taker[n] = e_->current_task();
  futures_->taken[n] = s.pos.line;
  std::optional<std::int64_t> value;
  try {
    value = f.get(where(s.pos));
  } catch (const std::future_error&) {
    // The promise went with a job the pool dropped: `shutdown p, cancel` before the job started.
    if (s.target2 == nullptr) {
      runtime_error(s.pos, "future " + element_name(v, n) + " has no value: the job submitted at line " + std::to_string(futures_->owner[n]) +
                               " to set it was cancelled by a shutdown (write 'get " + element_name(v, n) + ", x, ok' to be told)");
    }
  }
  received(s, value, t);
}

// submit p, work(args)[, f]: the arguments are worked out here; a worker runs the procedure.
void Interpreter::submit(const Stmt& s, std::uint32_t pool, Task& t) {
  const Expr& call = *s.value;
  std::vector<std::int64_t> args;
  for (const Expr* a : call.args) args.push_back(eval<false>(*a, t));
  std::optional<sim::Promise<std::int64_t>> promise;
  if (!s.name2.empty()) {
    const Variable& fv = p_.vars[s.slot2];
    const std::uint32_t f = object_element(fv, s.index2, s.name2_pos, t);
    if (!futures_->promises[f]) {
      misuse(e_->task_name(e_->current_task()) + " submits a job to set future " + element_name(fv, f) + ", which the job submitted at line " +
                 std::to_string(futures_->owner[f]) + " already sets: a future is set once",
             s.pos);
    }
    promise = std::move(futures_->promises[f]);
    futures_->promises[f].reset();
    futures_->owner[f] = s.pos.line;
  }
  const sim::Location at = where(s.pos);
  const std::uint32_t proc = call.slot;
  // The pool's own future (of this lambda) is dropped: the job's result goes through `promise`.
  futures_->pools[pool]->submit(
      [this, proc, at, args = std::move(args), promise = std::move(promise)]() mutable {
        const std::int64_t result = run_job(proc, args);
        if (promise) promise->set_value(result, at);
      },
      at);
}

// map p, f, in, out: out[i] = f(in[i]) on the workers; waits for all, results in input order.
void Interpreter::map(const Stmt& s, std::uint32_t pool, Task& t) {
  const Variable& in = p_.vars[s.target->slot];
  const Variable& out = p_.vars[s.target2->slot];
  std::vector<std::int64_t> inputs;
  for (std::uint32_t i = 0; i < in.size; ++i) inputs.push_back(read(in.first + i, s.pos, t));
  const std::uint32_t proc = s.slot2;
  const std::vector<std::int64_t> results =
      futures_->pools[pool]->map([this, proc](std::int64_t x) { return run_job(proc, {x}); }, inputs, where(s.pos));
  for (std::uint32_t i = 0; i < out.size; ++i) write(out.first + i, results[i], s.pos, t);
}

// One job on a worker: the procedure with its arguments, in a task of its own; `self` is the worker.
std::int64_t Interpreter::run_job(std::uint32_t proc, const std::vector<std::int64_t>& args) {
  const ProcDecl& d = p_.module.procs[proc];
  Task job;
  start(job, -2 - static_cast<std::int64_t>(sim::index(e_->current_task())), 0, std::max<std::uint32_t>(d.frame_size, static_cast<std::uint32_t>(args.size())));
  std::copy(args.begin(), args.end(), job.locals.begin());
  job.depth = 1;
  local_work(d.name.pos);
  return exec(d.body, job) == Flow::Return ? job.result : 0;
}

// for i in as_completed fs: i is each index of fs whose future completes, in completion order.
Interpreter::Flow Interpreter::completed_loop(const Stmt& s, Task& t) {
  const Variable& v = p_.vars[s.slot2];
  const sim::Location at = where(s.pos);
  sim::detail::CompletionQueue queue(at);
  queue.reserve(v.size);
  for (std::uint32_t i = 0; i < v.size; ++i) {
    const sim::Future<std::int64_t>& f = futures_->futures[v.first + i];
    if (f.valid()) queue.add(sim::detail::FutureAccess<std::int64_t>::core(f), i);
  }
  queue.start();
  while (const std::optional<std::size_t> i = queue.next(at)) {
    t.locals[t.base + s.slot] = static_cast<std::int64_t>(*i);
    local_work(s.pos);
    const Flow f = exec(s.body, t);
    if (f == Flow::Break) break;
    if (f == Flow::Return) return f;
  }
  return Flow::Next;
}

}  // namespace lang
