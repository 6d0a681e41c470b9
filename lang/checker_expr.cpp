// Checker: expressions — name resolution with did-you-mean, types, arity, and constant folding.
#include <algorithm>
#include <limits>

#include "lang/checker.hpp"

namespace lang {

namespace {

const char* noun(Type t) {
  switch (t) {
    case Type::Bool: return "a bool";
    case Type::Name: return "a thread name";
    default: return "a number";
  }
}

struct MethodInfo {
  std::string_view name;
  Method method;
  std::size_t arity;
};
constexpr MethodInfo methods[] = {
    {"load", Method::Load, 0},          {"store", Method::Store, 1},       {"fetch_add", Method::FetchAdd, 1},
    {"fetch_sub", Method::FetchSub, 1}, {"exchange", Method::Exchange, 1}, {"cas", Method::Cas, 2},
};

}  // namespace

std::string Checker::unknown(std::string_view name, std::string_view what, bool variables, bool procedures) {
  std::vector<std::string_view> candidates;
  if (variables) {
    for (const Local& l : locals_) candidates.push_back(l.name);
    candidates.insert(candidates.end(), {"true", "false", "self", "id"});
  }
  for (const auto& [n, g] : globals_) {
    if ((variables && g.sort == Sort::Variable) || (procedures && g.sort == Sort::Procedure)) candidates.push_back(n);
  }
  return "unknown " + std::string(what) + " '" + std::string(name) + "'" + did_you_mean(name, candidates);
}

void Checker::number(Expr& e, Type t, std::string_view what) {
  if (t == Type::Int || t == Type::Any) return;
  fail(e.pos, std::string(what) + " needs a number, but '" + std::string(p_.text(e)) + "' is " + noun(t), width(e));
}

void Checker::condition(Expr& e, std::string_view what) {
  const Type t = value(e);
  if (e.kind == ExprKind::String) fail(e.pos, "a string is not a condition", width(e));
  if (t == Type::Name) fail(e.pos, "the condition of " + std::string(what) + " is a thread name; compare it: self == \"alice\"", width(e));
}

Type Checker::value(Expr& e) {
  const Type t = expr(e);
  if (e.kind == ExprKind::CallProc && !p_.module.procs[e.slot].returns_value) {
    fail(e.pos, "'" + std::string(e.name) + "' gives no value: it has no 'return' with a value", width(e));
  }
  if (e.kind == ExprKind::AtomicOp && e.method == Method::Store) fail(e.member_pos, "'store' gives no value", 5);
  return t;
}

Type Checker::expr(Expr& e) {
  switch (e.kind) {
    case ExprKind::Int: return e.type = Type::Int;
    case ExprKind::Bool: return e.type = Type::Bool;
    case ExprKind::String: return e.type = Type::Name;  // only printed, or compared with `self`
    case ExprKind::Id:
    case ExprKind::Self:
      if (context_ == Context::Invariant) fail(e.pos, "an invariant is about shared state: it cannot use " + std::string(p_.text(e)), width(e));
      if (e.kind == ExprKind::Id && context_ == Context::Finally) fail(e.pos, "'id' is a thread's number; 'finally:' runs in main, which has none", 2);
      return e.type = e.kind == ExprKind::Id ? Type::Int : Type::Name;
    case ExprKind::Name: return e.type = name(e);
    case ExprKind::Index: return e.type = index(e);
    case ExprKind::Call: return e.type = call(e);
    case ExprKind::Method: return e.type = method(e);
    case ExprKind::Neg:
      number(*e.a, value(*e.a), "'-'");
      return e.type = Type::Int;
    case ExprKind::Not:
    case ExprKind::And:
    case ExprKind::Or: {
      const char* op = e.kind == ExprKind::Not ? "'not'" : e.kind == ExprKind::And ? "'and'" : "'or'";
      for (Expr* side : {e.a, e.b}) {
        if (side == nullptr) continue;
        if (value(*side) == Type::Name) fail(side->pos, std::string(op) + " needs conditions, but '" + std::string(p_.text(*side)) + "' is " + noun(side->type), width(*side));
      }
      return e.type = Type::Bool;
    }
    case ExprKind::Binary: return e.type = binary(e);
    default: return e.type;  // already resolved
  }
}

Type Checker::binary(Expr& e) {
  static constexpr const char* spelling[] = {"'+'", "'-'", "'*'", "'/'", "'%'", "'=='", "'!='", "'<'", "'<='", "'>'", "'>='"};
  const char* op = spelling[static_cast<int>(e.op)];
  const Type a = value(*e.a);
  const Type b = value(*e.b);
  if (e.op == BinOp::Eq || e.op == BinOp::Ne) {
    // A string literal is a thread's name when compared with one: self == "alice".
    if (e.a->kind == ExprKind::String && e.b->kind != ExprKind::String && b == Type::Name) thread_name(*e.a);
    if (e.b->kind == ExprKind::String && e.a->kind != ExprKind::String && a == Type::Name) thread_name(*e.b);
    for (Expr* side : {e.a, e.b}) {
      if (side->kind == ExprKind::String) fail(side->pos, "a string can only be printed, or compared with 'self'", width(*side));
    }
    if (a != b && a != Type::Any && b != Type::Any) {
      fail(e.pos, std::string(op) + " compares " + noun(a) + " with " + noun(b), width(e));
    }
    return Type::Bool;
  }
  for (Expr* side : {e.a, e.b}) {
    if (side->kind == ExprKind::String) fail(side->pos, "a string can only be printed, or compared with 'self'", width(*side));
  }
  number(*e.a, a, op);
  number(*e.b, b, op);
  return e.op >= BinOp::Eq ? Type::Bool : Type::Int;
}

void Checker::thread_name(Expr& literal) {
  const std::string& text = p_.module.strings[static_cast<std::size_t>(literal.value)];
  std::vector<std::string_view> names;
  for (std::size_t i = 0; i < p_.threads.size(); ++i) {
    if (p_.threads[i].name == text) {
      literal.kind = ExprKind::ThreadName;
      literal.value = static_cast<std::int64_t>(i);
      literal.type = Type::Name;
      return;
    }
    names.push_back(p_.threads[i].name);
  }
  if (text == "main") {
    literal.kind = ExprKind::ThreadName;
    literal.value = -1;  // main, which runs 'finally:'
    literal.type = Type::Name;
    return;
  }
  fail(literal.pos, "no thread is named \"" + text + "\"" + did_you_mean(text, names), width(literal));
}

Type Checker::name(Expr& e) {
  const auto w = static_cast<std::uint32_t>(e.name.size());
  if (const Local* l = local(e.name)) {
    e.kind = ExprKind::Local;
    e.slot = l->slot;
    return l->type;
  }
  auto it = globals_.find(e.name);
  if (it == globals_.end()) fail(e.pos, unknown(e.name, "variable", true, false), w);
  const Global& g = it->second;
  const std::string quoted = "'" + std::string(e.name) + "'";
  if (g.sort == Sort::Procedure) fail(e.pos, quoted + " is a procedure: call it with " + std::string(e.name) + "(...)", w);
  if (g.sort == Sort::Thread) fail(e.pos, quoted + " is a thread, not a variable (to test which thread runs, compare self == \"" + std::string(e.name) + "\")", w);
  const Variable& v = p_.vars[g.index];
  if (v.kind != GlobalKind::Shared && v.kind != GlobalKind::Atomic) {
    fail(e.pos, quoted + " is " + describe(g) + ", not a value", w);
  }
  if (v.array) fail(e.pos, quoted + " is an array: use one element, like " + std::string(e.name) + "[0]", w);
  process_memory(e.name, e.pos);
  e.kind = ExprKind::Global;
  e.slot = g.index;
  return v.type;
}

Type Checker::index(Expr& e) {
  const auto w = static_cast<std::uint32_t>(e.name.size());
  auto it = globals_.find(e.name);
  if (it == globals_.end() || it->second.sort != Sort::Variable) {
    if (local(e.name) != nullptr) fail(e.pos, "'" + std::string(e.name) + "' is a local, not an array", w);
    if (it == globals_.end()) fail(e.pos, unknown(e.name, "array", true, false), w);
  }
  const Global& g = it->second;
  if (g.sort != Sort::Variable) fail(e.pos, "'" + std::string(e.name) + "' is " + describe(g) + ", not an array", w);
  const Variable& v = p_.vars[g.index];
  if (!v.array) fail(e.pos, "'" + std::string(e.name) + "' is " + describe(g) + " but not an array", w);
  number(*e.a, value(*e.a), "an index");
  process_memory(e.name, e.pos);
  e.kind = ExprKind::Global;
  e.slot = g.index;
  return v.type;
}

Type Checker::call(Expr& e) {
  const auto w = static_cast<std::uint32_t>(e.name.size());
  auto it = globals_.find(e.name);
  if (it == globals_.end()) fail(e.pos, unknown(e.name, "procedure", false, true), w);
  if (it->second.sort != Sort::Procedure) fail(e.pos, "'" + std::string(e.name) + "' is " + describe(it->second) + ", not a procedure", w);
  if (context_ == Context::Invariant) fail(e.pos, "an invariant cannot call a procedure: it is checked after every step and must not take steps itself", w);
  const ProcDecl& d = p_.module.procs[it->second.index];
  if (e.args.size() != d.params.size()) {
    const std::size_t n = d.params.size();
    fail(e.pos, "'" + std::string(e.name) + "' takes " + std::to_string(n) + " argument" + (n == 1 ? "" : "s") + ", but " +
                    std::to_string(e.args.size()) + (e.args.size() == 1 ? " was" : " were") + " given", width(e));
  }
  for (Expr* a : e.args) {
    value(*a);
    if (a->kind == ExprKind::String) fail(a->pos, "a procedure takes numbers, bools or thread names, not strings", width(*a));
  }
  process_call(d, e.name, e.pos);
  e.kind = ExprKind::CallProc;
  e.slot = it->second.index;
  return Type::Any;
}

Type Checker::method(Expr& e) {
  const auto w = static_cast<std::uint32_t>(e.name.size());
  auto it = globals_.find(e.name);
  if (it == globals_.end()) fail(e.pos, unknown(e.name, "variable", true, false), w);
  const Global& g = it->second;
  if (g.sort != Sort::Variable || p_.vars[g.index].kind != GlobalKind::Atomic) {
    std::string message = "'" + std::string(e.name) + "' is " + describe(g) + "; only atomic variables have methods like ." + std::string(e.member) + "()";
    if (!e.args.empty() && names_order(*e.args.back())) message += " and memory orders";
    if (g.sort == Sort::Variable && p_.vars[g.index].kind == GlobalKind::Shared) message += " (declare it 'atomic')";
    fail(e.pos, message, w);
  }
  process_memory(e.name, e.pos);
  const Variable& v = p_.vars[g.index];
  if (v.array && e.a == nullptr) fail(e.pos, "'" + std::string(e.name) + "' is an array: call the method on one element, like " + std::string(e.name) + "[0]." + std::string(e.member) + "(...)", w);
  if (!v.array && e.a != nullptr) fail(e.pos, "'" + std::string(e.name) + "' is not an array", w);
  if (e.a != nullptr) number(*e.a, value(*e.a), "an index");
  const MethodInfo* info = nullptr;
  std::vector<std::string_view> names;
  for (const MethodInfo& m : methods) {
    names.push_back(m.name);
    if (m.name == e.member) info = &m;
  }
  const auto mw = static_cast<std::uint32_t>(e.member.size());
  if (info == nullptr) fail(e.member_pos, "atomic variables have no method '" + std::string(e.member) + "'" + did_you_mean(e.member, names) + "; they have load, store, fetch_add, fetch_sub, exchange and cas", mw);
  if (e.args.size() < info->arity || e.args.size() > info->arity + 1) {
    fail(e.member_pos, "'" + std::string(e.member) + "' takes " + std::to_string(info->arity) + " argument" + (info->arity == 1 ? "" : "s") +
                           (e.args.size() > info->arity ? " and a memory order" : "") + ", but " + std::to_string(e.args.size()) +
                           (e.args.size() == 1 ? " was" : " were") + " given", mw);
  }
  e.method = info->method;
  method_order(e, info->arity);
  if (context_ == Context::Invariant && info->method != Method::Load) fail(e.member_pos, "an invariant cannot change anything; only .load() is allowed in it", mw);
  if ((info->method == Method::FetchAdd || info->method == Method::FetchSub) && v.type != Type::Int) {
    fail(e.member_pos, "'" + std::string(e.member) + "' needs a number, but '" + v.name + "' holds a bool", mw);
  }
  for (Expr* a : e.args) {
    const Type t = value(*a);
    if (a->kind == ExprKind::String) fail(a->pos, "an atomic variable holds a number or a bool, not a string", width(*a));
    if (t != v.type && t != Type::Any) fail(a->pos, "'" + v.name + "' holds " + noun(v.type) + ", but this is " + noun(t), width(*a));
  }
  e.kind = ExprKind::AtomicOp;
  e.method = info->method;
  e.slot = g.index;
  return info->method == Method::Cas ? Type::Bool : v.type;
}

// constant := INT | 'true' | 'false' | '-' constant | constant op constant  (op: + - * / %)
std::int64_t Checker::constant(Expr& e, Type& type) {
  auto bad = [&]() -> std::int64_t {
    fail(e.pos, "'" + std::string(p_.text(e)) + "' is not a constant (declarations take numbers, true or false, or arithmetic on numbers)", width(e));
  };
  switch (e.kind) {
    case ExprKind::Int: type = Type::Int; return e.value;
    case ExprKind::Bool: type = Type::Bool; return e.value;
    case ExprKind::Neg: {
      const std::int64_t v = constant(*e.a, type);
      if (type != Type::Int || v == std::numeric_limits<std::int64_t>::min()) return bad();
      return -v;
    }
    case ExprKind::Binary: {
      Type ta = Type::Int, tb = Type::Int;
      const std::int64_t a = constant(*e.a, ta);
      const std::int64_t b = constant(*e.b, tb);
      if (ta != Type::Int || tb != Type::Int || e.op >= BinOp::Eq) return bad();
      type = Type::Int;
      std::int64_t r = 0;
      bool overflow = false;
      switch (e.op) {
        case BinOp::Add: overflow = __builtin_add_overflow(a, b, &r); break;
        case BinOp::Sub: overflow = __builtin_sub_overflow(a, b, &r); break;
        case BinOp::Mul: overflow = __builtin_mul_overflow(a, b, &r); break;
        default:
          if (b == 0) fail(e.pos, "division by zero in '" + std::string(p_.text(e)) + "'", width(e));
          overflow = a == std::numeric_limits<std::int64_t>::min() && b == -1;
          if (!overflow) r = e.op == BinOp::Div ? a / b : a % b;
      }
      if (overflow) fail(e.pos, "integer overflow in '" + std::string(p_.text(e)) + "'", width(e));
      return r;
    }
    default: return bad();
  }
}

}  // namespace lang
