// Interpreter: statements — control flow, locks, conditions, semaphores, atomic blocks, print, assert.
#include <limits>
#include <mutex>

#include "lang/interpreter.hpp"
#include "sim/thread.hpp"

namespace lang {

namespace {

void format_text(const void* p, std::string& out) { out += *static_cast<const std::string*>(p); }
void format_count(const void* p, std::string& out) { out += std::to_string(*static_cast<const std::int64_t*>(p)); }

}  // namespace

Interpreter::Flow Interpreter::exec(const Block& block, Task& t) {
  for (const Stmt* s : block) {
    const Flow f = exec(*s, t);
    if (f != Flow::Next) return f;
  }
  return Flow::Next;
}

Interpreter::Flow Interpreter::exec(const Stmt& s, Task& t) {
  switch (s.kind) {
    case StmtKind::Let: t.locals[t.base + s.slot] = eval<false>(*s.value, t); return Flow::Next;
    case StmtKind::Assign:
    case StmtKind::AddAssign:
    case StmtKind::SubAssign: assign(s, t); return Flow::Next;
    case StmtKind::If:
      for (const Stmt* at = &s;;) {
        if (eval<false>(*at->value, t) != 0) return exec(at->body, t);
        if (at->orelse.size() == 1 && at->orelse[0]->elif) {
          at = at->orelse[0];
          continue;
        }
        return exec(at->orelse, t);
      }
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
      no_atomic("yield", s.pos, t);
      sim::yield(where(s.pos));
      return Flow::Next;
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
    case StmtKind::Call:
      if (s.value->kind == ExprKind::CallProc) {
        call(*s.value, t, false);
      } else {
        atomic_op(*s.value, t);
      }
      return Flow::Next;
    case StmtKind::Pass: return Flow::Next;
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
  }
  return Flow::Next;
}

Interpreter::Flow Interpreter::loop(const Stmt& s, Task& t) {
  std::int64_t next = 0;
  std::int64_t end = std::numeric_limits<std::int64_t>::max();
  if (s.kind == StmtKind::Repeat) end = eval<false>(*s.value, t);
  if (s.kind == StmtKind::For) {
    next = eval<false>(*s.value, t);
    end = eval<false>(*s.value2, t);
  }
  while (true) {
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

Interpreter::Flow Interpreter::locked(const Stmt& s, Task& t) {
  no_atomic("lock", s.pos, t);
  const std::uint32_t m = object_element(p_.vars[s.slot], s.index, s.name_pos, t);
  lock_mutex(m, where(s.pos));
  const Flow f = exec(s.body, t);
  // Leaving the block any way but by a failure (break, continue, return) unlocks.
  unlock_mutex(m, where(s.pos));
  return f;
}

Interpreter::Flow Interpreter::atomic_block(const Stmt& s, Task& t) {
  if (t.atomic > 0) {
    ++t.atomic;
    const Flow f = exec(s.body, t);
    --t.atomic;
    return f;
  }
  // One step for the whole block, shown as taking a lock named "atomic": every access inside is
  // ordered with every other atomic block, and a plain access elsewhere still races with them.
  const sim::ObjectId id = named_object(atomic_id_, sim::ObjectKind::Mutex, atomic_name_);
  e_->schedule(sim::OpKind::Lock, id, where(s.pos));
  e_->publish(sim::OpKind::Lock, id, where(s.pos));
  ++t.atomic;
  const Flow f = exec(s.body, t);
  --t.atomic;
  e_->publish(sim::OpKind::Unlock, id, where(s.pos));
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
    case StmtKind::Acquire:
      if (v.kind == GlobalKind::Mutex) {
        lock_mutex(n, at);
      } else {
        acquire(semaphores_[n], s.pos);
      }
      return;
    case StmtKind::Release:
      if (v.kind == GlobalKind::Mutex) {
        unlock_mutex(n, at);
      } else {
        release(semaphores_[n], s.pos);
      }
      return;
    case StmtKind::Wait: {
      sim::Mutex& m = *mutexes_[object_element(p_.vars[s.slot2], s.index2, s.name2_pos, t)];
      // The scenario holds the mutex itself (lock block or acquire): lend it to the wait, never
      // let the unique_lock unlock it.
      std::unique_lock<sim::Mutex> lock(m, std::adopt_lock);
      struct Lend {
        std::unique_lock<sim::Mutex>& lock;
        ~Lend() { lock.release(); }
      } lend{lock};
      conditions_[n]->wait(lock, at);
      return;
    }
    case StmtKind::Notify: conditions_[n]->notify_one(at); return;
    default: conditions_[n]->notify_all(at); return;
  }
}

// A counting semaphore on the Execution's wait lists: acquire waits while the count is 0. Its
// steps are read-modify-writes of the count, which orders a release before the acquire it enables.
void Interpreter::acquire(Semaphore& s, Pos pos) {
  const sim::ObjectId id = named_object(s.id, sim::ObjectKind::Atomic, semaphore_names_[static_cast<std::size_t>(&s - semaphores_.data())]);
  const sim::TaskId me = e_->current_task();
  e_->enlist(s.waiters, me, sim::Waiting{sim::OpKind::AtomicRmw, id, sim::no_task, where(pos)});
  if (s.count == 0) e_->block(me);
  e_->schedule(sim::OpKind::AtomicRmw, id, where(pos));
  // Chosen to run, so the count is above zero.
  e_->delist(s.waiters, me);
  --s.count;
  if (s.count == 0) e_->block_all(s.waiters);
  e_->publish(sim::OpKind::AtomicRmw, id, where(pos), sim::ValueRef{&s.count, &format_count});
}

void Interpreter::release(Semaphore& s, Pos pos) {
  const sim::ObjectId id = named_object(s.id, sim::ObjectKind::Atomic, semaphore_names_[static_cast<std::size_t>(&s - semaphores_.data())]);
  e_->schedule(sim::OpKind::AtomicRmw, id, where(pos));
  if (s.count == std::numeric_limits<std::int64_t>::max()) runtime_error(pos, "semaphore count overflow");
  if (s.count == s.max) over_release(s, pos);
  ++s.count;
  e_->unblock_all(s.waiters);
  e_->publish(sim::OpKind::AtomicRmw, id, where(pos), sim::ValueRef{&s.count, &format_count});
}

void Interpreter::assign(const Stmt& s, Task& t) {
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
  // Output goes to one stream every thread shares, so each print is a step on it.
  const sim::ObjectId id = named_object(output_id_, sim::ObjectKind::Shared, output_name_);
  if (t.atomic == 0) e_->schedule(sim::OpKind::Print, id, where(s.pos));
  if (e_->observed()) e_->publish(sim::OpKind::Print, id, where(s.pos), sim::ValueRef{&text, &format_text});
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
  e_->fail(sim::FailureKind::AssertionFailed, std::move(message), where(s.pos), std::move(details));
  throw sim::detail::Abort{};
}

}  // namespace lang
