// Checker: memory orders on atomic methods and fences — which word is an order, and which orders
// each operation may have (as C++ allows them).
#include <array>
#include <optional>

#include "lang/checker.hpp"

namespace lang {

namespace {

constexpr std::array<std::pair<std::string_view, Order>, 5> order_words{{
    {"relaxed", Order::Relaxed}, {"acquire", Order::Acquire}, {"release", Order::Release},
    {"acq_rel", Order::AcqRel}, {"seq_cst", Order::SeqCst},
}};

// The orders an operation may have, as words for a message.
const char* allowed(Method method) {
  switch (method) {
    case Method::Load: return "relaxed, acquire or seq_cst";
    case Method::Store: return "relaxed, release or seq_cst";
    default: return "relaxed, acquire, release, acq_rel or seq_cst";
  }
}

bool allows(Method method, Order order) {
  if (method == Method::Load) return order != Order::Release && order != Order::AcqRel;
  if (method == Method::Store) return order != Order::Acquire && order != Order::AcqRel;
  return true;
}

std::optional<Order> find_order(std::string_view word) {
  for (const auto& [spelling, order] : order_words) {
    if (spelling == word) return order;
  }
  return std::nullopt;
}

}  // namespace

bool names_order(const Expr& e) {
  return e.kind == ExprKind::Name && find_order(e.name).has_value();
}

const char* to_string(Order order) { return order_words[static_cast<std::size_t>(order)].first.data(); }

Order Checker::order_word(const Expr& word, const std::string& expected) const {
  if (word.kind != ExprKind::Name) {
    fail(word.pos, "found '" + std::string(p_.text(word)) + "' where a memory order goes; expected " + expected, width(word));
  }
  if (const auto order = find_order(word.name)) return *order;
  if (word.name == "consume") fail(word.pos, "'consume' is not offered (compilers take it as acquire); expected " + expected, width(word));
  std::array<std::string_view, order_words.size()> names;
  for (std::size_t i = 0; i < names.size(); ++i) names[i] = order_words[i].first;
  fail(word.pos, "'" + std::string(word.name) + "' is not a memory order" + did_you_mean(word.name, names) + "; expected " + expected, width(word));
}

// The argument after the method's own is its order; in an `atomic:` block every operation is
// seq_cst (the block is one step), so a weaker order written there would be a lie.
void Checker::method_order(Expr& e, std::size_t arity) {
  if (e.args.size() == arity) return;
  const Expr& word = *e.args.back();
  const std::string member(e.member);
  const Order order = order_word(word, std::string(allowed(e.method)) + " (the memory order of '." + member + "()')");
  if (!allows(e.method, order)) {
    fail(word.pos, "'." + member + "()' cannot be " + to_string(order) + "; expected " + allowed(e.method), width(word));
  }
  if (context_ == Context::Invariant) fail(word.pos, "an invariant reads the latest values, so it takes no memory order; found '" + std::string(word.name) + "'", width(word));
  if (atomic_ > 0 && order != Order::SeqCst) {
    fail(word.pos, "found '" + std::string(word.name) + "' inside an 'atomic:' block, whose operations are seq_cst (the block is one step); expected seq_cst or no order", width(word));
  }
  e.order = order;
  e.args.pop_back();
}

// fence_stmt: C++'s atomic_thread_fence; a relaxed one would do nothing.
void Checker::fence(Stmt& s) {
  const Expr word{.kind = ExprKind::Name, .pos = s.name_pos, .begin = 0, .end = static_cast<std::uint32_t>(s.name.size()), .name = s.name};
  const char* expected = "acquire, release, acq_rel or seq_cst (the order of the fence)";
  if (word.name == "relaxed") fail(s.name_pos, "a fence cannot be relaxed (it would order nothing); expected " + std::string(expected), static_cast<std::uint32_t>(s.name.size()));
  s.order = order_word(word, expected);
}

}  // namespace lang
