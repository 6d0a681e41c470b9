// Parser: the fence statement, `fence <order>`.
//
// The order words are not keywords, so that scenarios using them as names keep working:
// `relaxed`, `acq_rel` and `seq_cst` are names everywhere, and `acquire` and `release`
// (semaphore keywords) are taken as names inside a method's parentheses (method_arguments in
// parser_expr.cpp). The checker decides which argument is an order, by the method's arity, so a
// misspelt order is reported as one (checker_orders.cpp). `fence` is a soft keyword, as
// `compute` is: a statement only when a name or 'acquire'/'release' follows it.
#include "lang/parser.hpp"

namespace lang {

// fence_stmt := 'fence' ORDER
Stmt* Parser::order_statement() {
  const Token& t = peek();
  if (t.text != "fence") return nullptr;
  const Token& after = peek(1);
  if (after.kind == Tok::Newline || after.kind == Tok::End || after.kind == Tok::Dedent) {
    fail(after, "expected a memory order after 'fence' (acquire, release, acq_rel or seq_cst), found " + found(after));
  }
  if (after.kind != Tok::Name && after.kind != Tok::Acquire && after.kind != Tok::Release) return nullptr;
  Stmt* s = new_stmt(StmtKind::Fence, next());
  const Token& word = next();
  s->name = word.text;
  s->name_pos = word.pos;
  return s;
}

}  // namespace lang
