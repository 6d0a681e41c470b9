// Checker: statements, local scopes and frame slots, and the objects statements act on.
#include <algorithm>

#include "lang/checker.hpp"

namespace lang {

namespace {

// Named with its article, for "expected a mutex or an rwlock".
std::string_view kind_with_article(GlobalKind kind) {
  switch (kind) {
    case GlobalKind::Shared: return "a shared variable";
    case GlobalKind::Atomic: return "an atomic variable";
    case GlobalKind::Mutex: return "a mutex";
    case GlobalKind::Condition: return "a condition";
    case GlobalKind::Semaphore: return "a semaphore";
    case GlobalKind::Channel: return "a channel";
    case GlobalKind::RwLock: return "an rwlock";
    case GlobalKind::Latch: return "a latch";
    case GlobalKind::Barrier: return "a barrier";
    case GlobalKind::Future: return "a future";
    case GlobalKind::Pool: return "a pool";
  }
  return "?";
}

}  // namespace

const char* waiting_keyword(StmtKind kind) {
  switch (kind) {
    case StmtKind::Lock: return "lock";
    case StmtKind::Acquire: return "acquire";
    case StmtKind::Release: return "release";
    case StmtKind::Wait: return "wait";
    case StmtKind::Notify: return "notify";
    case StmtKind::NotifyAll: return "notify_all";
    case StmtKind::Yield: return "yield";
    case StmtKind::Sleep: return "sleep";
    case StmtKind::Send: return "send";
    case StmtKind::Recv: return "recv";
    case StmtKind::Close: return "close";
    case StmtKind::Select: return "select";
    case StmtKind::ForChannel: return "for";
    case StmtKind::Read: return "read";
    case StmtKind::Write: return "write";
    case StmtKind::LockFor: return "lock";
    case StmtKind::CountDown: return "count_down";
    case StmtKind::ArriveAndWait: return "arrive_and_wait";
    case StmtKind::ArriveAndDrop: return "arrive_and_drop";
    case StmtKind::Await: return "wait";
    case StmtKind::Compute: return "compute";
    case StmtKind::AwaitSleep: return "await";
    case StmtKind::SetFuture: return "set";
    case StmtKind::GetFuture: return "get";
    case StmtKind::Submit: return "submit";
    case StmtKind::MapPool: return "map";
    case StmtKind::Shutdown: return "shutdown";
    case StmtKind::ForCompleted: return "for";
    case StmtKind::Fence: return "fence";
    default: return nullptr;
  }
}

const Checker::Local* Checker::local(std::string_view name) const {
  for (auto it = locals_.rbegin(); it != locals_.rend(); ++it) {
    if (it->name == name) return &*it;
  }
  return nullptr;
}

void Checker::declare_local(std::string_view name, Pos pos, Type type, std::uint32_t& slot, bool loop_variable) {
  const auto width = static_cast<std::uint32_t>(name.size());
  if (const Local* l = local(name)) {
    fail(pos, "'" + std::string(name) + "' is already declared at line " + std::to_string(l->pos.line), width);
  }
  if (auto it = globals_.find(name); it != globals_.end()) {
    fail(pos, "'" + std::string(name) + "' is already " + describe(it->second) + " (declared at line " +
                  std::to_string(it->second.pos.line) + "); give the local another name", width);
  }
  slot = next_slot_++;
  frame_max_ = std::max(frame_max_, next_slot_);
  locals_.push_back(Local{name, slot, type, pos, loop_variable});
}

void Checker::close_scope() {
  locals_.resize(scopes_.back());
  scopes_.pop_back();
  // Slots of a closed scope are free again: its locals are out of reach.
  next_slot_ = 0;
  for (const Local& l : locals_) next_slot_ = std::max(next_slot_, l.slot + 1);
}

void Checker::block(Block& b) {
  open_scope();
  for (Stmt* s : b) statement(*s);
  close_scope();
}

void Checker::statement(Stmt& s) {
  if (atomic_ > 0) outside_atomic(s);
  switch (s.kind) {
    case StmtKind::Let: return let(s);
    case StmtKind::Assign:
    case StmtKind::AddAssign:
    case StmtKind::SubAssign: return assignment(s);
    case StmtKind::If: return if_chain(s);
    case StmtKind::While:
    case StmtKind::Repeat:
    case StmtKind::For: return loop(s);
    case StmtKind::Atomic:
      ++atomic_;
      block(s.body);
      --atomic_;
      return;
    case StmtKind::Lock: return lock(s);
    case StmtKind::Acquire:
    case StmtKind::Release:
    case StmtKind::Wait:
    case StmtKind::Notify:
    case StmtKind::NotifyAll: return object(s);
    case StmtKind::Print: return print(s);
    case StmtKind::Assert: condition(*s.value, "'assert'"); return;
    case StmtKind::Return: return returned(s);
    case StmtKind::Break:
    case StmtKind::Continue: return jump(s);
    case StmtKind::Call: expr(*s.value); return;
    case StmtKind::Yield:
    case StmtKind::Sleep:
    case StmtKind::Pass: return;
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
    case StmtKind::Await: return toolbox(s);
    case StmtKind::Compute:
    case StmtKind::AwaitSleep: return timing(s);
    case StmtKind::SetFuture:
    case StmtKind::GetFuture:
    case StmtKind::Submit:
    case StmtKind::MapPool:
    case StmtKind::Shutdown:
    case StmtKind::ForCompleted: return futures(s);
    case StmtKind::Fence: return fence(s);
  }
}

void Checker::outside_atomic(const Stmt& s) const {
  if (const char* what = waiting_keyword(s.kind)) {
    fail(s.pos, std::string("'") + what + "' cannot be used inside an 'atomic:' block: the block runs as one step, so it "
                                     "holds only reads, writes, atomic operations, prints and assertions",
         static_cast<std::uint32_t>(std::string_view(what).size()));
  }
}

void Checker::let(Stmt& s) {
  const Type t = value(*s.value);
  if (s.value->kind == ExprKind::String) fail(s.value->pos, "a local holds a number, a bool or a thread name, not a string");
  declare_local(s.name, s.name_pos, t, s.slot, false);
}

void Checker::lock(Stmt& s) {
  s.slot = object_named(s.name, s.name_pos, {GlobalKind::Mutex}, "'lock'");
  element(s.slot, s.index, s.name_pos, "lock");
  block(s.body);
}

void Checker::print(Stmt& s) {
  for (PrintItem& item : s.items) {
    if (item.expr != nullptr && item.expr->kind != ExprKind::String) value(*item.expr);
  }
}

void Checker::jump(const Stmt& s) const {
  if (loops_ == 0) fail(s.pos, std::string(s.kind == StmtKind::Break ? "'break'" : "'continue'") + " outside a loop", s.kind == StmtKind::Break ? 5 : 8);
}

void Checker::if_chain(Stmt& s) {
  // An elif chain is walked in a loop, as the interpreter does.
  for (Stmt* at = &s;;) {
    condition(*at->value, "'if'");
    block(at->body);
    if (at->orelse.size() != 1 || !at->orelse[0]->elif) return block(at->orelse);
    at = at->orelse[0];
  }
}

void Checker::loop(Stmt& s) {
  if (s.kind == StmtKind::While) condition(*s.value, "'while'");
  if (s.kind == StmtKind::Repeat) number(*s.value, value(*s.value), "'repeat' count");
  open_scope();
  if (s.kind == StmtKind::For) {
    number(*s.value, value(*s.value), "range start");
    number(*s.value2, value(*s.value2), "range end");
    declare_local(s.name, s.name_pos, Type::Int, s.slot, true);
  }
  ++loops_;
  block(s.body);
  --loops_;
  close_scope();
}

void Checker::returned(Stmt& s) {
  if (context_ != Context::Procedure) {
    if (s.value != nullptr) fail(s.value->pos, "only a procedure returns a value; a thread or 'finally:' ends with a plain 'return'");
    return;
  }
  if (s.value != nullptr) {
    value(*s.value);
    if (s.value->kind == ExprKind::String) fail(s.value->pos, "a procedure returns a number, a bool or a thread name, not a string");
  } else if (proc_->returns_value) {
    fail(s.pos, "'" + std::string(proc_->name.name) + "' returns a value elsewhere, so this 'return' needs one too", 6);
  }
}

void Checker::assignment(Stmt& s) {
  Expr& t = *s.target;
  if (t.kind == ExprKind::Name) {
    if (const Local* l = local(t.name)) {
      if (l->loop_variable) fail(t.pos, "'" + std::string(t.name) + "' is the loop's counter; assign to another local", static_cast<std::uint32_t>(t.name.size()));
    }
  }
  const Type target = expr(t);
  if (t.kind != ExprKind::Local && t.kind != ExprKind::Global) fail(t.pos, "cannot assign to this");
  const Type v = value(*s.value);
  if (s.value->kind == ExprKind::String) fail(s.value->pos, "a variable holds a number or a bool, not a string");
  const std::string name(p_.text(t));
  if (s.kind != StmtKind::Assign) {
    number(t, target, s.kind == StmtKind::AddAssign ? "'+='" : "'-='");
    number(*s.value, v, s.kind == StmtKind::AddAssign ? "'+='" : "'-='");
    return;
  }
  if (target != Type::Any && v != Type::Any && target != v) {
    auto noun = [](Type x) { return x == Type::Bool ? "a bool" : x == Type::Name ? "a thread name" : "a number"; };
    fail(s.value->pos, std::string("cannot assign ") + noun(v) + " to '" + name + "', which holds " + noun(target),
         s.value->end - s.value->begin);
  }
}

std::uint32_t Checker::object_named(std::string_view name, Pos pos, std::initializer_list<GlobalKind> kinds, std::string_view use) {
  const auto width = static_cast<std::uint32_t>(name.size());
  std::string wanted;
  for (GlobalKind k : kinds) wanted += (wanted.empty() ? "" : " or ") + std::string(kind_with_article(k));
  auto it = globals_.find(name);
  if (it == globals_.end()) {
    std::vector<std::string_view> candidates;
    for (const auto& [n, g] : globals_) {
      if (g.sort == Sort::Variable && std::find(kinds.begin(), kinds.end(), p_.vars[g.index].kind) != kinds.end()) candidates.push_back(n);
    }
    fail(pos, std::string(use) + " needs " + wanted + ", and there is no '" + std::string(name) + "'" + did_you_mean(name, candidates), width);
  }
  const Global& g = it->second;
  process_memory(name, pos);
  if (g.sort != Sort::Variable || std::find(kinds.begin(), kinds.end(), p_.vars[g.index].kind) == kinds.end()) {
    fail(pos, std::string(use) + " needs " + wanted + ", but '" + std::string(name) + "' is " + describe(g) + " (declared at line " +
                  std::to_string(g.pos.line) + ")", width);
  }
  return g.index;
}

// An array of objects is used one element at a time; a single object is used without an index.
void Checker::element(std::uint32_t var, Expr* index, Pos pos, std::string_view use) {
  const Variable& v = p_.vars[var];
  const auto width = static_cast<std::uint32_t>(v.name.size());
  if (v.array && index == nullptr) {
    fail(pos, "'" + v.name + "' is an array: " + std::string(use) + " one element, like " + v.name + "[0]", width);
  }
  if (!v.array && index != nullptr) fail(pos, "'" + v.name + "' is not an array", width);
  if (index != nullptr) number(*index, value(*index), "an index");
}

void Checker::object(Stmt& s) {
  switch (s.kind) {
    case StmtKind::Acquire:
      s.slot = object_named(s.name, s.name_pos, {GlobalKind::Mutex, GlobalKind::Semaphore}, "'acquire'");
      break;
    case StmtKind::Release:
      s.slot = object_named(s.name, s.name_pos, {GlobalKind::Mutex, GlobalKind::Semaphore}, "'release'");
      break;
    case StmtKind::Wait:
      s.slot = object_named(s.name, s.name_pos, {GlobalKind::Condition, GlobalKind::Latch}, "'wait'");
      if (p_.vars[s.slot].kind == GlobalKind::Latch) return latch_wait(s);
      wait_mutex(s);
      break;
    case StmtKind::Notify:
      s.slot = object_named(s.name, s.name_pos, {GlobalKind::Condition}, "'notify'");
      break;
    default:
      s.slot = object_named(s.name, s.name_pos, {GlobalKind::Condition}, "'notify_all'");
      break;
  }
  element(s.slot, s.index, s.name_pos, "use");
}

}  // namespace lang
