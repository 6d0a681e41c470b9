// Interpreter: statements — control flow, locks, conditions, semaphores, atomic blocks, print, assert.
#include <limits>

#include "lang/interpreter.hpp"

namespace lang {

Interpreter::Flow Interpreter::exec(const Block& block, Task& t) {
  if (tracking_) [[unlikely]] return exec_tracked(block, t);
  for (const Stmt* s : block) {
    const Flow f = exec(*s, t);
    if (f != Flow::Next) return f;
  }
  return Flow::Next;
}

// The same, keeping the task's trail: each statement's mark while it runs, dropped (with what
// it received) when it ends. A run stopped by a finding leaves it dirty; begin() clears it.
// exec(Stmt) is inlined into both loops (always_inline), so the untracked one pays a test per
// block and nothing per statement.
Interpreter::Flow Interpreter::exec_tracked(const Block& block, Task& t) {
  const std::size_t mark = t.trail.size();
  for (const Stmt* s : block) {
    enter(t, mark, *s);
    const Flow f = exec(*s, t);
    if (f != Flow::Next) {
      t.trail.resize(mark);
      return f;
    }
  }
  t.trail.resize(mark);
  return Flow::Next;
}

void Interpreter::noted(Task& t, std::int64_t value, Mark mark) {
  t.trail.push_back(mark);
  t.trail.push_back(value);
}

void Interpreter::enter(Task& t, std::size_t mark, const Stmt& s) {
  t.trail.resize(mark);
  t.trail.push_back(Statement);
  t.trail.push_back(s.begin);
}

inline Interpreter::Flow Interpreter::exec(const Stmt& s, Task& t) {
  switch (s.kind) {
    case StmtKind::Let: t.locals[t.base + s.slot] = eval<false>(*s.value, t); return Flow::Next;
    case StmtKind::Assign:
    case StmtKind::AddAssign:
    case StmtKind::SubAssign: assign(s, t); return Flow::Next;
    case StmtKind::If: return branch(s, t);
    case StmtKind::While:
    case StmtKind::Repeat:
    case StmtKind::For: return loop(s, t);
    case StmtKind::Lock: return locked(s, t);
    case StmtKind::Atomic: return atomic_block(s, t);
    case StmtKind::Acquire:
    case StmtKind::Release:
    case StmtKind::Wait:
    case StmtKind::Notify:
    case StmtKind::NotifyAll: object(s, t); return Flow::Next;
    case StmtKind::Yield:
    case StmtKind::Sleep:
    case StmtKind::Compute:
    case StmtKind::AwaitSleep: timed(s, t); return Flow::Next;
    case StmtKind::Print: print(s, t); return Flow::Next;
    case StmtKind::Assert: assertion(s, t); return Flow::Next;
    case StmtKind::Return:
      t.result = s.value != nullptr ? eval<false>(*s.value, t) : 0;
      return Flow::Return;
    case StmtKind::Break: return Flow::Break;
    case StmtKind::Continue: return Flow::Continue;
    case StmtKind::Call: s.value->kind == ExprKind::CallProc ? call(*s.value, t, false) : atomic_op(*s.value, t); return Flow::Next;
    case StmtKind::Pass: return Flow::Next;
    case StmtKind::Fence:
      no_atomic("fence", s.pos, t);
      b_.cells.fence(s.order, where(s.pos));
      return Flow::Next;
    case StmtKind::Send:
    case StmtKind::Recv:
    case StmtKind::Close:
    case StmtKind::Select:
    case StmtKind::ForChannel:
    case StmtKind::Read:
    case StmtKind::Write:
    case StmtKind::LockFor:
    case StmtKind::CountDown:
    case StmtKind::ArriveAndWait:
    case StmtKind::ArriveAndDrop:
    case StmtKind::Await: return toolbox(s, t);
    case StmtKind::SetFuture:
    case StmtKind::GetFuture:
    case StmtKind::Submit:
    case StmtKind::MapPool:
    case StmtKind::Shutdown:
    case StmtKind::ForCompleted: return futures(s, t);
  }
  return Flow::Next;
}

// if / elif / else: the first branch whose condition holds.
inline Interpreter::Flow Interpreter::branch(const Stmt& s, Task& t) {
  for (const Stmt* at = &s;;) {
    if (eval<false>(*at->value, t) != 0) return exec(at->body, t);
    if (at->orelse.size() != 1 || !at->orelse[0]->elif) return exec(at->orelse, t);
    at = at->orelse[0];
  }
}

inline Interpreter::Flow Interpreter::loop(const Stmt& s, Task& t) {
  std::int64_t next = 0;
  std::int64_t end = std::numeric_limits<std::int64_t>::max();
  if (s.kind == StmtKind::Repeat) end = eval<false>(*s.value, t);
  if (s.kind == StmtKind::For) {
    next = eval<false>(*s.value, t);
    end = eval<false>(*s.value2, t);
  }
  const bool track = tracking_;
  const std::size_t header = track ? t.trail.size() : 0;  // what the loop's first line received
  while (true) {
    if (track) [[unlikely]] {
      // An iteration depends on the header, its count and the locals, not on earlier iterations' reads.
      t.trail.resize(header);
      if (s.kind != StmtKind::While) note(t, next, Count);
    }
    if (s.kind == StmtKind::While) {
      if (eval<false>(*s.value, t) == 0) break;
    } else {
      if (next >= end) break;
      if (s.kind == StmtKind::For) t.locals[t.base + s.slot] = next;
      ++next;
    }
    local_work(s.pos);
    const Flow f = exec(s.body, t);
    if (f == Flow::Break) break;
    if (f == Flow::Return) return f;
  }
  return Flow::Next;
}

inline Interpreter::Flow Interpreter::locked(const Stmt& s, Task& t) {
  no_atomic("lock", s.pos, t);
  const std::uint32_t m = object_element(p_.vars[s.slot], s.index, s.name_pos, t);
  b_.locks.lock(m, where(s.pos));
  const Flow f = exec(s.body, t);
  // Leaving the block any way but by a failure (break, continue, return) unlocks.
  b_.locks.unlock(m, where(s.pos));
  return f;
}

inline Interpreter::Flow Interpreter::atomic_block(const Stmt& s, Task& t) {
  if (t.atomic > 0) {
    ++t.atomic;
    const Flow f = exec(s.body, t);
    --t.atomic;
    return f;
  }
  // One step for the whole block (Cells::atomic_begin says how).
  b_.cells.atomic_begin(where(s.pos));
  ++t.atomic;
  const Flow f = exec(s.body, t);
  --t.atomic;
  b_.cells.atomic_end(where(s.pos));
  if (!p_.module.invariants.empty()) check_invariants(t, s.pos);
  return f;
}

void Interpreter::no_atomic(const char* what, Pos pos, Task& t) {
  if (t.atomic == 0) [[likely]] return;
  runtime_error(pos, std::string("'") + what + "' inside an 'atomic:' block (reached through a procedure call): the block runs as one step and cannot wait or give way");
}

void Interpreter::object(const Stmt& s, Task& t) {
  static constexpr const char* names[] = {"acquire", "release", "wait", "notify", "notify_all"};
  no_atomic(names[static_cast<int>(s.kind) - static_cast<int>(StmtKind::Acquire)], s.pos, t);
  const Variable& v = p_.vars[s.slot];
  const std::uint32_t n = object_element(v, s.index, s.name_pos, t);
  const sim::Location at = where(s.pos);
  switch (s.kind) {
    case StmtKind::Acquire: return v.kind == GlobalKind::Mutex ? b_.locks.lock(n, at) : b_.counters.acquire(n, at);
    case StmtKind::Release: return v.kind == GlobalKind::Mutex ? b_.locks.unlock(n, at) : b_.counters.release(n, at);
    case StmtKind::Wait: return b_.locks.wait(n, object_element(p_.vars[s.slot2], s.index2, s.name2_pos, t), at);
    case StmtKind::Notify: return b_.locks.notify(n, false, at);
    default: return b_.locks.notify(n, true, at);
  }
}

inline void Interpreter::assign(const Stmt& s, Task& t) {
  const Expr& target = *s.target;
  auto update = [&](std::int64_t old, std::int64_t v) {
    std::int64_t r = 0;
    const bool overflow = s.kind == StmtKind::AddAssign ? __builtin_add_overflow(old, v, &r) : __builtin_sub_overflow(old, v, &r);
    if (overflow) {
      runtime_error(s.pos, "integer overflow in '" + std::string(p_.text(s.begin, s.end)) + "' (" + std::to_string(old) +
                               (s.kind == StmtKind::AddAssign ? " + " : " - ") + std::to_string(v) + ")");
    }
    return r;
  };
  if (target.kind == ExprKind::Local) {
    const std::int64_t v = eval<false>(*s.value, t);
    std::int64_t& slot = t.locals[t.base + target.slot];
    slot = s.kind == StmtKind::Assign ? v : update(slot, v);
    return;
  }
  const Variable& var = p_.vars[target.slot];
  if (s.kind == StmtKind::Assign) {
    // The value first, then the element it goes to, then the write: `x = x + 1` reads, then writes.
    const std::int64_t v = eval<false>(*s.value, t);
    const std::uint32_t cell = target.a == nullptr ? var.first : element(var, eval<false>(*target.a, t), target.pos);
    write(cell, v, s.pos, t);
    return;
  }
  // `x += v`: the element, a read of it, the value, then the write.
  const std::uint32_t cell = target.a == nullptr ? var.first : element(var, eval<false>(*target.a, t), target.pos);
  const std::int64_t old = read(cell, s.pos, t);
  write(cell, update(old, eval<false>(*s.value, t)), s.pos, t);
}

void Interpreter::print(const Stmt& s, Task& t) {
  std::string& text = t.text;
  text.clear();
  for (const PrintItem& item : s.items) {
    if (!text.empty() || &item != &s.items.front()) text += ' ';
    if (item.expr == nullptr) {
      text += p_.module.strings[static_cast<std::size_t>(item.string)];
    } else if (item.expr->kind == ExprKind::String) {
      text += p_.module.strings[static_cast<std::size_t>(item.expr->value)];
    } else {
      text += show(eval<false>(*item.expr, t), item.expr->type);
    }
  }
  b_.cells.print(text, where(s.pos), t.atomic == 0);
  if (options_.capture_output) {
    output_ += text;
    output_ += '\n';
  }
}

void Interpreter::assertion(const Stmt& s, Task& t) {
  if (eval<false>(*s.value, t) != 0) [[likely]] return;
  std::vector<std::string> details{"assert " + std::string(p_.text(*s.value))};
  for (std::string& v : values_in(*s.value, t)) details.push_back(std::move(v));
  std::string message = s.message >= 0 ? p_.module.strings[static_cast<std::size_t>(s.message)]
                                       : "assertion failed: " + std::string(p_.text(*s.value));
  fail(sim::FailureKind::AssertionFailed, std::move(message), s.pos, std::move(details));
}

}  // namespace lang
