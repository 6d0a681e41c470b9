// SimBackend as a StateSource: a scenario's whole state as words, for the search that remembers
// states (sim/explore/state_strategy.hpp), and what of a scenario it cannot capture.
//
// The words: main's progress (spawns and joins made), the spin-loop rule's rounds without a
// change, whether a task ran before its time (loose timing), main's task state and its
// `finally:` position; then every thread - not yet started, finished, or its scheduling state,
// pending operation, what the spin-loop rule holds of it (Execution::spin_state: whether it is
// parked, and what its loop has done since its last change, which decides when it parks), its
// deadline as the time left (Execution::time_state) and the interpreter's position, received
// values and locals (Interpreter::task_state) - with each run of interchangeable threads
// sorted; then who holds each mutex (by a thread's place in that sorted order; a recursive one
// with its depth), who holds each rwlock (the writer, the set of
// readers), what each latch and barrier still expects, every cell's value and every
// semaphore's count; then each channel (ChannelCore::state: closed and by whom, the count, who
// waits by other means than a position shows, the selects registered in their order) with the
// values in its buffer, and each future (whether the future is still to be taken, whether it is
// set, by whom, with what). A barrier's phase number is left out: its waiters' tokens are
// relative to it, and whether each waiter is still held is in its scheduling state.
// A condition variable adds nothing: who waits on it is in its waiters' positions and pending
// operations (Wait before waiting, Wake while waiting or once notified, Lock while taking the
// mutex back), and which waiter a notify wakes is a choice the search makes at the notify.
// A weaker memory order than seq_cst leaves a scenario uncaptured (uncaptured_state says why).
// Threads of one declaration are interchangeable when nothing they run names a thread (`id`,
// `self`, a thread's name): swapping two of them then changes nothing any step can see.
#include <algorithm>
#include <functional>
#include <numeric>
#include <set>

#include "lang/ast_walk.hpp"
#include "lang/sim/sim_backend.hpp"
#include "sim/sync/future.hpp"
#include "sim/sync/select.hpp"

namespace lang {

namespace {

const char* uncaptured_kind(GlobalKind k) {
  switch (k) {
    case GlobalKind::Pool: return "pool";
    default: return nullptr;
  }
}

// What a scan of statements finds, following procedure calls once each (from a list, not by
// recursion: see ast_walk.hpp).
struct Scan {
  const Module& m;
  std::set<std::uint32_t> procs;
  const Stmt* timed = nullptr;  // a compute or await sleep (a sleep is captured)
  const Stmt* completed = nullptr;  // a loop over futures as they complete
  bool names_thread = false;    // `id`, `self` or a thread's name
  const Expr* weak = nullptr;   // an atomic operation with an order weaker than seq_cst

  void block(const Block& b) {
    std::vector<const Block*> todo{&b};
    auto on_stmt = [this](const Stmt& s) {
      if (timed == nullptr && (s.kind == StmtKind::Compute || s.kind == StmtKind::AwaitSleep)) timed = &s;
      if (completed == nullptr && s.kind == StmtKind::ForCompleted) completed = &s;
      return true;
    };
    auto on_expr = [&](const Expr& e) {
      if (e.kind == ExprKind::Id || e.kind == ExprKind::Self || e.kind == ExprKind::ThreadName) names_thread = true;
      if (weak == nullptr && e.kind == ExprKind::AtomicOp && e.order != Order::SeqCst) weak = &e;
      if (e.kind == ExprKind::CallProc && procs.insert(e.slot).second) todo.push_back(&m.procs[e.slot].body);
      return true;
    };
    while (!todo.empty()) {
      const Block* next = todo.back();
      todo.pop_back();
      walk(*next, on_stmt, on_expr);
    }
  }
};

}  // namespace

std::string uncaptured_state(const Program& p) {
  for (const Variable& v : p.vars) {
    const std::string where = " '" + v.name + "' (line " + std::to_string(v.pos.line) + ")";
    if (const char* kind = uncaptured_kind(v.kind)) return std::string("the ") + kind + where + ": its state is not captured yet";
  }
  if (p.module.machine.present) return "the machine (line " + std::to_string(p.module.machine.pos.line) + "): virtual time is not captured yet";
  for (const ThreadDecl& d : p.module.threads) {
    if (d.kind != TaskKind::Thread) return "a process or async task (line " + std::to_string(d.pos.line) + "): not captured yet";
  }
  Scan w{p.module, {}};
  for (const ThreadDecl& d : p.module.threads) w.block(d.body);
  for (const ProcDecl& d : p.module.procs) w.block(d.body);
  w.block(p.module.finally);
  if (w.timed != nullptr) return "the compute at line " + std::to_string(w.timed->pos.line) + ": CPU time on the machine's cores is not captured yet";
  // Which older stores a load may still read lives in the memory model, not in the cells; a
  // state that left it out would merge states whose futures differ. Seq_cst operations always
  // read the latest store, which the cells hold.
  if (w.weak != nullptr) {
    return std::string("the ") + to_string(w.weak->order) + " atomic operation at line " + std::to_string(w.weak->pos.line) +
           ": the stores each load could still read (the memory model's histories) are not captured yet";
  }
  if (w.completed != nullptr) return "the loop over futures as they complete at line " + std::to_string(w.completed->pos.line) + ": its queue is not captured yet";
  return {};
}

std::vector<std::pair<std::uint32_t, std::uint32_t>> interchangeable_threads(const Program& p) {
  std::vector<std::pair<std::uint32_t, std::uint32_t>> out;
  for (std::uint32_t i = 0; i < p.threads.size();) {
    std::uint32_t j = i + 1;
    while (j < p.threads.size() && p.threads[j].decl == p.threads[i].decl) ++j;
    Scan w{p.module, {}};
    w.block(p.module.threads[p.threads[i].decl].body);
    if (j - i > 1 && !w.names_thread) out.emplace_back(i, j - i);
    i = j;
  }
  return out;
}

void SimBackend::task_words(const sim::Execution& e, std::size_t i, std::vector<std::uint64_t>& out) const {
  const bool main = i == p_.threads.size();
  const sim::TaskId t = main ? sim::TaskId{0} : state_.threads[i];
  if (t == sim::no_task) {
    out.push_back(0);  // not spawned yet
    return;
  }
  if (e.finished(t)) {
    out.push_back(1);
    return;
  }
  out.push_back(e.state(t) == sim::TaskState::Runnable ? 2 : 3);
  out.push_back(static_cast<std::uint64_t>(e.pending(t).kind));
  e.spin_state(t, out);
  e.time_state(t, out);
  interpreter_->task_state(i, out);
}

void SimBackend::state(const sim::Execution& e, std::vector<std::uint64_t>& out) {
  const std::size_t n = p_.threads.size();
  out.push_back(main_steps_);
  out.push_back(e.quiet_rounds());
  out.push_back(e.timing_violated() ? 1 : 0);
  task_words(e, n, out);
  words_.resize(n);
  order_.resize(n);
  rank_.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    words_[i].clear();
    task_words(e, i, words_[i]);
  }
  std::iota(order_.begin(), order_.end(), 0u);
  for (auto [first, count] : symmetric_) {
    std::sort(order_.begin() + first, order_.begin() + first + count, [&](std::uint32_t a, std::uint32_t b) { return words_[a] < words_[b]; });
  }
  for (std::uint32_t k = 0; k < n; ++k) rank_[order_[k]] = k;
  for (std::uint32_t k = 0; k < n; ++k) {
    const std::vector<std::uint64_t>& w = words_[order_[k]];
    out.push_back(w.size());
    out.insert(out.end(), w.begin(), w.end());
  }
  // A task as the state names it: 0 nobody, 1 main, 2 + its place in the sorted order.
  auto who = [&](sim::TaskId t) -> std::uint64_t {
    if (t == sim::no_task) return 0;
    if (t == sim::TaskId{0}) return 1;
    for (std::size_t i = 0; i < n; ++i) {
      if (state_.threads[i] == t) return 2 + rank_[i];
    }
    return 0;
  };
  primitive_words(e, who, out);
}

void SimBackend::primitive_words(const sim::Execution& e, const std::function<std::uint64_t(sim::TaskId)>& who, std::vector<std::uint64_t>& out) const {
  for (const SimMutex& m : state_.mutexes) {
    if (m.recursive) {
      out.push_back(who(m.recursive->holder(e)));
      out.push_back(m.recursive->depth(e));
    } else if (m.timed) {
      out.push_back(who(m.timed->holder(e)));
    } else {
      out.push_back(who(m.plain->holder(e)));
    }
  }
  for (const auto& rw : state_.rwlocks) {
    out.push_back(who(rw->writer(e)));
    const std::size_t at = out.size();
    for (sim::TaskId r : rw->readers(e)) out.push_back(who(r));
    std::sort(out.begin() + static_cast<std::ptrdiff_t>(at), out.end());  // who reads, not in which order they came
    out.push_back(out.size() - at);
  }
  for (const auto& l : state_.latches) out.push_back(static_cast<std::uint64_t>(l->left(e)));
  for (const auto& b : state_.barriers) {
    const auto [per_phase, pending] = b->expecting(e);
    out.push_back(static_cast<std::uint64_t>(per_phase));
    out.push_back(static_cast<std::uint64_t>(pending));
  }
  for (std::int64_t v : state_.cells) out.push_back(static_cast<std::uint64_t>(v));
  for (const SimSemaphore& s : state_.semaphores) out.push_back(static_cast<std::uint64_t>(s.count));
  for (const auto& c : state_.channels) {
    const std::size_t at = out.size();
    if (sim::detail::ChannelAccess<std::int64_t>::core(*c).state(e, out, who)) {
      sim::detail::ChannelAccess<std::int64_t>::each_value(*c, [&](std::int64_t v) { out.push_back(static_cast<std::uint64_t>(v)); });
    }
    out.push_back(out.size() - at);
  }
  for (std::size_t n = 0; n < state_.futures.size(); ++n) {
    // Before get: the future holds the state; after it, only the promise does (a second get is a misuse).
    out.push_back(state_.futures[n].valid() ? 1 : 0);
    const auto* f = state_.promises[n] ? sim::detail::FutureAccess<std::int64_t>::state(*state_.promises[n]) : nullptr;
    if (f == nullptr) {
      out.push_back(0);
      continue;
    }
    f->state(out, who);
    out.push_back(f->value ? 1 : 0);
    out.push_back(f->value ? static_cast<std::uint64_t>(*f->value) : 0);
  }
}

}  // namespace lang
