// Interpreter: the concurrency toolbox — channels and select, rwlocks, latches, barriers, mutex
// flavours — each statement a step of the backend (in a simulation, the sim primitive of the same
// name, so their deadlock stories, misuse reports and happens-before edges are the C++ API's).
#include "lang/interpreter.hpp"

namespace lang {

std::uint32_t Interpreter::channel(const Stmt& s, Task& t) { return object_element(p_.vars[s.slot], s.index, s.name_pos, t); }

void Interpreter::store(const Expr& target, std::int64_t value, Pos pos, Task& t) {
  if (target.kind == ExprKind::Local) {
    t.locals[t.base + target.slot] = value;
    return;
  }
  const Variable& var = p_.vars[target.slot];
  const std::uint32_t cell = target.a == nullptr ? var.first : element(var, eval<false>(*target.a, t), target.pos);
  write(cell, value, pos, t);
}

// recv c, x, ok: x gets the value (0 once the channel is closed and drained), ok whether one came.
void Interpreter::received(const Stmt& s, const std::optional<std::int64_t>& value, Task& t) {
  if (s.target != nullptr) store(*s.target, value.value_or(0), s.pos, t);
  if (s.target2 != nullptr) store(*s.target2, value.has_value() ? 1 : 0, s.pos, t);
}

Interpreter::Flow Interpreter::toolbox(const Stmt& s, Task& t) {
  no_atomic(waiting_keyword(s.kind), s.pos, t);
  const sim::Location at = where(s.pos);
  switch (s.kind) {
    case StmtKind::Send: {
      const std::int64_t v = eval<false>(*s.value, t);
      b_.channels.send(channel(s, t), v, at);
      return Flow::Next;
    }
    case StmtKind::Recv: received(s, b_.channels.recv(channel(s, t), at), t); return Flow::Next;
    case StmtKind::Close: b_.channels.close(channel(s, t), at); return Flow::Next;
    case StmtKind::Select: return select(s, t);
    case StmtKind::ForChannel: return channel_loop(s, t);
    case StmtKind::Read:
    case StmtKind::Write: return held(s, t);
    case StmtKind::LockFor: return lock_for(s, t);
    default: count(s, t); return Flow::Next;
  }
}

// Latches and barriers.
void Interpreter::count(const Stmt& s, Task& t) {
  const Variable& v = p_.vars[s.slot];
  const std::uint32_t n = object_element(v, s.index, s.name_pos, t);
  const sim::Location at = where(s.pos);
  switch (s.kind) {
    case StmtKind::CountDown: {
      const std::int64_t by = s.value != nullptr ? eval<false>(*s.value, t) : 1;
      if (by < 0) runtime_error(s.pos, "'count_down' by a negative amount (" + std::to_string(by) + ")");
      return b_.counters.count_down(n, by, at);
    }
    case StmtKind::ArriveAndWait: return v.kind == GlobalKind::Latch ? b_.counters.latch_arrive(n, at) : b_.counters.barrier_arrive(n, at);
    case StmtKind::ArriveAndDrop: return b_.counters.barrier_drop(n, at);
    default: return b_.counters.latch_wait(n, at);
  }
}

// select: every send's value is worked out first (as in Go), then the backend takes one ready
// case or the `else:` case.
Interpreter::Flow Interpreter::select(const Stmt& s, Task& t) {
  std::vector<Channels::Arm> arms;
  for (const Stmt* c : s.body) {
    const std::uint32_t n = channel(*c, t);
    arms.push_back(Channels::Arm{n, c->kind == StmtKind::Send, c->kind == StmtKind::Send ? eval<false>(*c->value, t) : 0, where(c->pos)});
  }
  std::optional<std::int64_t> got;
  const std::size_t k = b_.channels.select(arms, !s.orelse.empty(), got);
  if (k >= arms.size()) return exec(s.orelse, t);
  const Stmt& c = *s.body[k];
  if (c.kind == StmtKind::Recv) received(c, got, t);
  return exec(c.body, t);
}

// for x in c: one receive per round, until the channel is closed and drained.
Interpreter::Flow Interpreter::channel_loop(const Stmt& s, Task& t) {
  const std::uint32_t ch = object_element(p_.vars[s.slot2], s.index2, s.name2_pos, t);
  while (true) {
    const std::optional<std::int64_t> v = b_.channels.recv(ch, where(s.pos));
    if (!v) break;
    t.locals[t.base + s.slot] = *v;
    local_work(s.pos);
    const Flow f = exec(s.body, t);
    if (f == Flow::Break) break;
    if (f == Flow::Return) return f;
  }
  return Flow::Next;
}

// read rw: / write rw: the rwlock held shared or exclusively for the block.
Interpreter::Flow Interpreter::held(const Stmt& s, Task& t) {
  const std::uint32_t n = object_element(p_.vars[s.slot], s.index, s.name_pos, t);
  const sim::Location at = where(s.pos);
  const Locks::Hold hold = s.kind == StmtKind::Read ? Locks::Hold::Shared : Locks::Hold::Exclusive;
  b_.locks.rw_lock(n, hold, at);
  const Flow f = exec(s.body, t);
  b_.locks.rw_unlock(n, hold, at);
  return f;
}

// lock m for 50ms: the body if the timed mutex was taken in time, else the `else:` block.
Interpreter::Flow Interpreter::lock_for(const Stmt& s, Task& t) {
  const std::uint32_t n = object_element(p_.vars[s.slot], s.index, s.name_pos, t);
  const sim::Location at = where(s.pos);
  if (!b_.locks.lock_for(n, sim::Duration(s.duration), at)) return exec(s.orelse, t);
  const Flow f = exec(s.body, t);
  b_.locks.unlock(n, at);
  return f;
}

}  // namespace lang
