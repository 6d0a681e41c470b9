// Checker: the concurrency toolbox — object declarations and the statements on channels, rwlocks,
// latches, barriers and timed mutexes.
#include "lang/checker.hpp"

namespace lang {

namespace {

constexpr std::int64_t max_count = 1'000'000;

}  // namespace

// A constant count from `least` up, for capacities and latch and barrier sizes.
std::int64_t Checker::count(Expr* e, std::int64_t least, std::string_view what) {
  Type t = Type::Int;
  const std::int64_t n = constant(*e, t);
  if (t != Type::Int || n < least || n > max_count) {
    fail(e->pos, std::string(what) + " must be a number from " + std::to_string(least) + " to " + std::to_string(max_count), width(*e));
  }
  return n;
}

// Mutexes, conditions, semaphores, channels, rwlocks, latches, barriers: each numbered among its kind.
void Checker::object_global(const GlobalDecl& d, Variable& v) {
  std::uint32_t* counter = &p_.mutexes;
  switch (d.kind) {
    case GlobalKind::Condition: counter = &p_.conditions; break;
    case GlobalKind::Semaphore: counter = &p_.semaphores; break;
    case GlobalKind::Channel: counter = &p_.channels; break;
    case GlobalKind::RwLock: counter = &p_.rwlocks; break;
    case GlobalKind::Latch: counter = &p_.latches; break;
    case GlobalKind::Barrier: counter = &p_.barriers; break;
    case GlobalKind::Future: counter = &p_.futures; break;
    case GlobalKind::Pool: counter = &p_.pools; break;
    default: break;
  }
  v.first = *counter;
  *counter += v.size;
  v.flavour = d.flavour;
  switch (d.kind) {
    case GlobalKind::Semaphore: {
      Type t = Type::Int;
      v.initial = constant(*d.init, t);
      if (t != Type::Int || v.initial < 0) fail(d.init->pos, "a semaphore's initial count must be a number, 0 or more", width(*d.init));
      if (d.limit != nullptr) {
        v.limit = count(d.limit, 1, "a semaphore's max");
        if (v.initial > v.limit) {
          fail(d.init->pos, "the initial count " + std::to_string(v.initial) + " is above the max " + std::to_string(v.limit), width(*d.init));
        }
      }
      return;
    }
    case GlobalKind::Channel:
      v.limit = d.flavour == Flavour::Unbounded ? -1 : d.limit == nullptr ? 0 : count(d.limit, 0, "a channel's capacity");
      return;
    case GlobalKind::Latch: v.initial = count(d.limit, 0, "a latch's count"); return;
    case GlobalKind::Barrier: v.initial = count(d.limit, 1, "a barrier's count"); return;
    case GlobalKind::Pool: v.initial = workers(d.limit); return;
    default: return;
  }
}

void Checker::toolbox(Stmt& s) {
  switch (s.kind) {
    case StmtKind::Send:
    case StmtKind::Recv:
    case StmtKind::Close: return channel_operation(s);
    case StmtKind::Select:
      for (Stmt* c : s.body) {
        channel_operation(*c);
        block(c->body);
      }
      return block(s.orelse);
    case StmtKind::ForChannel: return channel_loop(s);
    case StmtKind::Read:
    case StmtKind::Write:
      s.slot = object_named(s.name, s.name_pos, {GlobalKind::RwLock}, s.kind == StmtKind::Read ? "'read'" : "'write'");
      element(s.slot, s.index, s.name_pos, "lock");
      return block(s.body);
    case StmtKind::LockFor: {
      s.slot = object_named(s.name, s.name_pos, {GlobalKind::Mutex}, "'lock ... for'");
      const Variable& v = p_.vars[s.slot];
      if (v.flavour != Flavour::Timed) {
        fail(s.name_pos, "'lock " + v.name + " for ...' gives up after a while, which only a timed mutex does; declare it 'timed mutex " + v.name + "'",
             static_cast<std::uint32_t>(v.name.size()));
      }
      element(s.slot, s.index, s.name_pos, "lock");
      block(s.body);
      return block(s.orelse);
    }
    case StmtKind::CountDown:
      s.slot = object_named(s.name, s.name_pos, {GlobalKind::Latch}, "'count_down'");
      element(s.slot, s.index, s.name_pos, "count down");
      if (s.value != nullptr) number(*s.value, value(*s.value), "'count_down'");
      return;
    case StmtKind::ArriveAndWait:
      s.slot = object_named(s.name, s.name_pos, {GlobalKind::Barrier, GlobalKind::Latch}, "'arrive_and_wait'");
      return element(s.slot, s.index, s.name_pos, "arrive at");
    case StmtKind::ArriveAndDrop:
      s.slot = object_named(s.name, s.name_pos, {GlobalKind::Barrier}, "'arrive_and_drop'");
      return element(s.slot, s.index, s.name_pos, "arrive at");
    default: return;
  }
}

void Checker::channel_operation(Stmt& s) {
  const char* use = s.kind == StmtKind::Send ? "'send'" : s.kind == StmtKind::Recv ? "'recv'" : "'close'";
  s.slot = object_named(s.name, s.name_pos, {GlobalKind::Channel}, use);
  element(s.slot, s.index, s.name_pos, s.kind == StmtKind::Close ? "close" : "use");
  if (s.kind == StmtKind::Send) {
    number(*s.value, value(*s.value), "'send'");
    if (s.value->kind == ExprKind::String) fail(s.value->pos, "a channel carries numbers, not strings", width(*s.value));
  }
  if (s.target != nullptr) receiver(*s.target, Type::Int, "the value received");
  if (s.target2 != nullptr) receiver(*s.target2, Type::Bool, "whether a value came");
}

// A variable that `recv` stores into: a local or a shared element, of the type the channel gives.
void Checker::receiver(Expr& t, Type gives, std::string_view what) {
  if (t.kind == ExprKind::Name) {
    if (const Local* l = local(t.name); l != nullptr && l->loop_variable) {
      fail(t.pos, "'" + std::string(t.name) + "' is the loop's counter; receive into another local", static_cast<std::uint32_t>(t.name.size()));
    }
  }
  const Type held = expr(t);
  if (t.kind != ExprKind::Local && t.kind != ExprKind::Global) fail(t.pos, "cannot receive into this", width(t));
  if (held != Type::Any && held != gives) {
    const char* noun = held == Type::Bool ? "a bool" : held == Type::Name ? "a thread name" : "a number";
    fail(t.pos, "'" + std::string(p_.text(t)) + "' holds " + noun + ", but " + std::string(what) + " is " +
                    (gives == Type::Bool ? "a bool" : "a number"), width(t));
  }
}

// for x in ch: receives until the channel is closed and drained; x is a fresh local.
void Checker::channel_loop(Stmt& s) {
  const std::string loop = "'for " + std::string(s.name) + " in " + std::string(s.name2) + ":'";
  if (auto it = globals_.find(s.name2); it != globals_.end() && it->second.sort == Sort::Variable &&
                                        p_.vars[it->second.index].kind != GlobalKind::Channel) {
    fail(s.name2_pos, loop + " receives from a channel, but '" + std::string(s.name2) + "' is " + describe(it->second) +
                          "; to count, write 'for " + std::string(s.name) + " in 0.." + std::string(s.name2) + "'",
         static_cast<std::uint32_t>(s.name2.size()));
  }
  s.slot2 = object_named(s.name2, s.name2_pos, {GlobalKind::Channel}, loop);
  element(s.slot2, s.index2, s.name2_pos, "receive from");
  loop_body(s);
}

// The body of a loop whose variable (s.name, a fresh number local) each round sets.
void Checker::loop_body(Stmt& s) {
  open_scope();
  declare_local(s.name, s.name_pos, Type::Int, s.slot, true);
  ++loops_;
  block(s.body);
  --loops_;
  close_scope();
}

void Checker::latch_wait(Stmt& s) {
  if (!s.name2.empty()) {
    fail(s.name2_pos, "a latch is waited for without a mutex: write 'wait " + std::string(s.name) + "'", static_cast<std::uint32_t>(s.name2.size()));
  }
  s.kind = StmtKind::Await;
  element(s.slot, s.index, s.name_pos, "wait for");
}

// `wait c, m`: the mutex a condition waits with, a plain one.
void Checker::wait_mutex(Stmt& s) {
  if (s.name2.empty()) {
    fail(s.name2_pos, "expected ',' and the mutex after 'wait " + std::string(s.name) + "' (write 'wait " + std::string(s.name) + ", m' while holding m), found end of line");
  }
  s.slot2 = object_named(s.name2, s.name2_pos, {GlobalKind::Mutex}, "'wait " + std::string(s.name) + ", ...'");
  const Variable& m = p_.vars[s.slot2];
  if (m.flavour != Flavour::Plain) {
    fail(s.name2_pos, "a condition waits with a plain mutex, and '" + m.name + "' is " + (m.flavour == Flavour::Recursive ? "recursive" : "timed"),
         static_cast<std::uint32_t>(m.name.size()));
  }
  element(s.slot2, s.index2, s.name2_pos, "wait with");
}

}  // namespace lang
