// Interpreter: expressions — checked arithmetic, elements, procedure calls, atomic operations.
#include <limits>

#include "lang/interpreter.hpp"

namespace lang {

namespace {

constexpr const char* spelling[] = {" + ", " - ", " * ", " / ", " % "};

}  // namespace

// Peek evaluates without taking steps or publishing (invariants, values shown in a failure).
template <bool Peek>
std::int64_t Interpreter::eval(const Expr& e, Task& t) {
  switch (e.kind) {
    case ExprKind::Int:
    case ExprKind::Bool:
    case ExprKind::ThreadName: return e.value;
    case ExprKind::Id: return t.id;
    case ExprKind::Self: return t.self;
    case ExprKind::Local: return t.locals[t.base + e.slot];
    case ExprKind::Global: {
      const Variable& v = p_.vars[e.slot];
      const std::uint32_t cell = e.a == nullptr ? v.first : element(v, eval<Peek>(*e.a, t), e.pos);
      if constexpr (Peek) {
        return b_.cells.peek(cell);
      } else {
        return read(cell, e.pos, t);
      }
    }
    case ExprKind::AtomicOp:
      if constexpr (Peek) {
        const Variable& v = p_.vars[e.slot];
        return b_.cells.peek(e.a == nullptr ? v.first : element(v, eval<Peek>(*e.a, t), e.pos));
      } else {
        return atomic_op(e, t);
      }
    case ExprKind::CallProc:
      if constexpr (Peek) {
        return 0;  // the checker keeps calls out of invariants; shown values skip them
      } else {
        return call(e, t, true);
      }
    case ExprKind::Neg: {
      const std::int64_t a = eval<Peek>(*e.a, t);
      if (a == std::numeric_limits<std::int64_t>::min()) runtime_error(e.pos, "integer overflow in '" + std::string(p_.text(e)) + "'");
      return -a;
    }
    case ExprKind::Not: return eval<Peek>(*e.a, t) == 0 ? 1 : 0;
    case ExprKind::And: return eval<Peek>(*e.a, t) != 0 && eval<Peek>(*e.b, t) != 0 ? 1 : 0;
    case ExprKind::Or: return eval<Peek>(*e.a, t) != 0 || eval<Peek>(*e.b, t) != 0 ? 1 : 0;
    case ExprKind::Binary: {
      // Left before right, always: the order of steps is part of the program.
      const std::int64_t a = eval<Peek>(*e.a, t);
      const std::int64_t b = eval<Peek>(*e.b, t);
      return binary(e, a, b);
    }
    default: break;
  }
  runtime_error(e.pos, "internal error: an unresolved expression '" + std::string(p_.text(e)) + "'");
}

template std::int64_t Interpreter::eval<false>(const Expr& e, Task& t);
template std::int64_t Interpreter::eval<true>(const Expr& e, Task& t);

std::int64_t Interpreter::binary(const Expr& e, std::int64_t a, std::int64_t b) {
  std::int64_t r = 0;
  bool overflow = false;
  switch (e.op) {
    case BinOp::Add: overflow = __builtin_add_overflow(a, b, &r); break;
    case BinOp::Sub: overflow = __builtin_sub_overflow(a, b, &r); break;
    case BinOp::Mul: overflow = __builtin_mul_overflow(a, b, &r); break;
    case BinOp::Div:
    case BinOp::Mod:
      if (b == 0) {
        runtime_error(e.pos, std::string(e.op == BinOp::Div ? "division" : "remainder") + " by zero in '" + std::string(p_.text(e)) + "' (" +
                                 std::string(p_.text(*e.b)) + " is 0)");
      }
      overflow = a == std::numeric_limits<std::int64_t>::min() && b == -1;
      if (!overflow) r = e.op == BinOp::Div ? a / b : a % b;
      break;
    case BinOp::Eq: return a == b;
    case BinOp::Ne: return a != b;
    case BinOp::Lt: return a < b;
    case BinOp::Le: return a <= b;
    case BinOp::Gt: return a > b;
    case BinOp::Ge: return a >= b;
  }
  if (overflow) [[unlikely]] {
    runtime_error(e.pos, "integer overflow in '" + std::string(p_.text(e)) + "' (" + std::to_string(a) +
                             spelling[static_cast<int>(e.op)] + std::to_string(b) + ")");
  }
  return r;
}

std::uint32_t Interpreter::element(const Variable& v, std::int64_t index, Pos pos) {
  if (index < 0 || index >= static_cast<std::int64_t>(v.size)) [[unlikely]] {
    runtime_error(pos, "index " + std::to_string(index) + " is out of range for '" + v.name + "', which has " +
                             std::to_string(v.size) + " element" + (v.size == 1 ? "" : "s") + " (0 to " + std::to_string(v.size - 1) + ")");
  }
  return v.first + static_cast<std::uint32_t>(index);
}

std::int64_t Interpreter::call(const Expr& e, Task& t, bool value_used) {
  const ProcDecl& d = p_.module.procs[e.slot];
  const auto* here = static_cast<const char*>(__builtin_frame_address(0));
  // Calls nest on the task's fiber stack: stop well before it runs out.
  if (t.depth >= options_.max_call_depth) [[unlikely]] {
    runtime_error(e.pos, "recursion too deep: more than " + std::to_string(options_.max_call_depth) + " nested calls (calling '" +
                             std::string(e.name) + "'; the limit is --max-call-depth)");
  }
  if (t.stack_top - here > static_cast<std::ptrdiff_t>(options_.stack_size) - 96 * 1024) [[unlikely]] {
    runtime_error(e.pos, "recursion too deep: " + std::to_string(t.depth) + " nested calls fill the task's stack (calling '" +
                             std::string(e.name) + "')");
  }
  local_work(e.pos);
  const std::uint32_t base = t.base + t.frame;
  if (t.locals.size() < base + d.frame_size) t.locals.resize(base + d.frame_size);
  // Arguments go into the callee's first slots; each is evaluated with the frame grown past the
  // ones before it, so a call inside an argument builds its frame above them.
  const std::uint32_t caller_frame = t.frame;
  for (std::size_t k = 0; k < e.args.size(); ++k) {
    t.frame = caller_frame + static_cast<std::uint32_t>(k);
    const std::int64_t v = eval<false>(*e.args[k], t);
    t.locals[base + k] = v;
  }
  const std::uint32_t caller_base = t.base;
  t.base = base;
  t.frame = d.frame_size;
  ++t.depth;
  const Flow f = exec(d.body, t);
  --t.depth;
  t.base = caller_base;
  t.frame = caller_frame;
  if (f != Flow::Return) {
    t.result = 0;
    if (value_used) runtime_error(e.pos, "'" + std::string(e.name) + "' ended without returning a value");
  }
  // Taken, so the task's state no longer holds it; the caller's statement received it.
  const std::int64_t result = t.result;
  t.result = 0;
  note(t, result);
  return result;
}

std::int64_t Interpreter::atomic_op(const Expr& e, Task& t) {
  const Variable& v = p_.vars[e.slot];
  const std::uint32_t cell = e.a == nullptr ? v.first : element(v, eval<false>(*e.a, t), e.pos);
  std::int64_t args[2] = {0, 0};
  for (std::size_t k = 0; k < e.args.size() && k < 2; ++k) args[k] = eval<false>(*e.args[k], t);
  // Inside an `atomic:` block (reached through a procedure) every operation is seq_cst: the
  // block is one step.
  const Order order = t.atomic == 0 ? e.order : Order::SeqCst;
  if (e.method == Method::Load) return read(cell, e.pos, t, order);
  if (e.method == Method::Store) {
    write(cell, args[0], e.pos, t, order);
    return 0;
  }
  struct Update {
    Interpreter& in;
    const Expr& e;
    const Variable& v;
    const std::int64_t* args;
    std::int64_t result = 0;
  } u{*this, e, v, args};
  // The new value from the old; the backend may ask more than once (a compare-and-swap loop,
  // the memory model weighing stores), and the last ask is about the value it read.
  auto next = [](void* context, std::int64_t old, Cells::Check check) -> std::optional<std::int64_t> {
    Update& u = *static_cast<Update*>(context);
    u.result = old;
    switch (u.e.method) {
      case Method::FetchAdd:
      case Method::FetchSub: {
        std::int64_t r = 0;
        const bool overflow = u.e.method == Method::FetchAdd ? __builtin_add_overflow(old, u.args[0], &r) : __builtin_sub_overflow(old, u.args[0], &r);
        if (overflow && check == Cells::Check::Errors) {
          u.in.runtime_error(u.e.pos, "integer overflow in '" + std::string(u.in.p_.text(u.e)) + "' (" + u.v.name + " is " + std::to_string(old) + ")");
        }
        return r;
      }
      case Method::Exchange: return u.args[0];
      default:  // cas(expected, new): true when it swapped
        u.result = old == u.args[0] ? 1 : 0;
        if (u.result == 0) return std::nullopt;
        return u.args[1];
    }
  };
  b_.cells.update(cell, next, &u, where(e.pos), t.atomic == 0, order);
  const std::int64_t result = u.result;
  note(t, result);
  if (t.atomic == 0 && !p_.module.invariants.empty()) check_invariants(t, e.pos);
  return result;
}

}  // namespace lang
