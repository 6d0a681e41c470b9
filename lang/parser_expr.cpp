// Parser: expressions, by precedence climbing from 'or' down to primaries.
#include <algorithm>

#include "lang/parser.hpp"

namespace lang {

Expr* Parser::new_expr(ExprKind kind, const Token& first) {
  Expr& e = out_.expr_store.emplace_back();
  e.kind = kind;
  e.pos = first.pos;
  e.begin = offset(first);
  e.end = offset(first) + static_cast<std::uint32_t>(first.text.size());
  return &e;
}

Expr* Parser::binary(Expr* left, BinOp op, Expr* right) {
  Expr& e = out_.expr_store.emplace_back();
  e.kind = ExprKind::Binary;
  e.op = op;
  e.pos = left->pos;
  e.begin = left->begin;
  e.end = right->end;
  e.a = left;
  e.b = right;
  e.depth = 1 + std::max(left->depth, right->depth);
  if (e.depth > max_nesting_) too_deep_expression(e);
  return &e;
}

void Parser::deeper(const Token& at, const char* what) {
  // Parsing recurses a few frames per level: the bound keeps any input within the stack.
  if (++depth_ > 2 * max_nesting_) {
    fail(at, std::string(what) + " nested too deeply (more than " + std::to_string(2 * max_nesting_) +
                 " levels of blocks, parentheses and operators; the limit is twice --max-nesting)");
  }
}

void Parser::too_deep_expression(const Expr& e) const {
  // Evaluation recurses once per level of the tree, on the task's stack.
  src_.fail(e.pos, "expression too deeply nested (more than " + std::to_string(max_nesting_) +
                       " levels; the limit is --max-nesting); split it with 'let'");
}

// expr := or_expr
Expr* Parser::expression() {
  deeper(peek(), "expression");
  Expr* e = or_expr();
  --depth_;
  return e;
}

// or_expr := and_expr {'or' and_expr}
Expr* Parser::or_expr() {
  Expr* left = and_expr();
  while (at(Tok::Or)) {
    next();
    Expr* right = and_expr();
    left = binary(left, BinOp::Add, right);
    left->kind = ExprKind::Or;
  }
  return left;
}

// and_expr := not_expr {'and' not_expr}
Expr* Parser::and_expr() {
  Expr* left = not_expr();
  while (at(Tok::And)) {
    next();
    Expr* right = not_expr();
    left = binary(left, BinOp::Add, right);
    left->kind = ExprKind::And;
  }
  return left;
}

// not_expr := 'not' not_expr | comparison
Expr* Parser::not_expr() {
  if (!at(Tok::Not)) return comparison();
  const Token& keyword = next();
  deeper(keyword, "expression");
  Expr* operand = not_expr();
  --depth_;
  Expr* e = new_expr(ExprKind::Not, keyword);
  e->a = operand;
  e->depth = operand->depth + 1;
  finish(e);
  return e;
}

// comparison := sum [('==' | '!=' | '<' | '<=' | '>' | '>=') sum]
Expr* Parser::comparison() {
  Expr* left = sum();
  auto op_of = [](Tok kind, BinOp& op) {
    switch (kind) {
      case Tok::Eq: op = BinOp::Eq; return true;
      case Tok::Ne: op = BinOp::Ne; return true;
      case Tok::Lt: op = BinOp::Lt; return true;
      case Tok::Le: op = BinOp::Le; return true;
      case Tok::Gt: op = BinOp::Gt; return true;
      case Tok::Ge: op = BinOp::Ge; return true;
      default: return false;
    }
  };
  BinOp op{};
  if (!op_of(peek().kind, op)) return left;
  next();
  Expr* e = binary(left, op, sum());
  if (op_of(peek().kind, op)) fail(peek(), "comparisons cannot be chained: write 'a < b and b < c'");
  return e;
}

// sum := term {('+' | '-') term}
Expr* Parser::sum() {
  Expr* left = term();
  while (at(Tok::Plus) || at(Tok::Minus)) {
    const BinOp op = next().kind == Tok::Plus ? BinOp::Add : BinOp::Sub;
    left = binary(left, op, term());
  }
  return left;
}

// term := unary {('*' | '/' | '%') unary}
Expr* Parser::term() {
  Expr* left = unary();
  while (at(Tok::Star) || at(Tok::Slash) || at(Tok::Percent)) {
    const Tok kind = next().kind;
    const BinOp op = kind == Tok::Star ? BinOp::Mul : kind == Tok::Slash ? BinOp::Div : BinOp::Mod;
    left = binary(left, op, unary());
  }
  return left;
}

// unary := '-' unary | postfix
Expr* Parser::unary() {
  if (!at(Tok::Minus)) return postfix();
  const Token& minus = next();
  deeper(minus, "expression");
  Expr* operand = unary();
  --depth_;
  if (operand->kind == ExprKind::Int && operand->begin == offset(minus) + 1) {
    // A negative literal, so -9 is one constant rather than an operation on 9.
    operand->value = -operand->value;
    operand->begin = offset(minus);
    operand->pos = minus.pos;
    return operand;
  }
  Expr* e = new_expr(ExprKind::Neg, minus);
  e->a = operand;
  e->depth = operand->depth + 1;
  finish(e);
  return e;
}

// postfix := NAME '(' args ')' | NAME ['[' expr ']'] ['.' NAME '(' args ')'] | primary
Expr* Parser::postfix() {
  if (!at(Tok::Name)) return primary();
  const Token& name = next();
  if (at(Tok::LParen)) {
    Expr* e = new_expr(ExprKind::Call, name);
    e->name = name.text;
    e->args = arguments(next());
    for (Expr* a : e->args) e->depth = std::max(e->depth, a->depth + 1);
    finish(e);
    return e;
  }
  Expr* e = new_expr(ExprKind::Name, name);
  e->name = name.text;
  if (at(Tok::LBracket)) {
    const Token& open = next();
    e->kind = ExprKind::Index;
    e->a = expression();
    e->depth = e->a->depth + 1;
    expect(Tok::RBracket, closes(open));
    finish(e);
  }
  if (at(Tok::Dot)) {
    next();
    const Token& member = expect_name("of a method after '.' (load, store, fetch_add, fetch_sub, exchange, cas)");
    e->kind = ExprKind::Method;  // on an element when `a` holds an index
    e->member = member.text;
    e->member_pos = member.pos;
    const Token& open = expect(Tok::LParen, "after '." + std::string(member.text) + "' (a method is called: ." + std::string(member.text) + "(...))");
    e->args = method_arguments(open);
    for (Expr* a : e->args) e->depth = std::max(e->depth, a->depth + 1);
    finish(e);
  }
  if (e->depth > max_nesting_) too_deep_expression(*e);
  return e;
}

// args := [expr {',' expr}] ')'
std::vector<Expr*> Parser::arguments(const Token& open) {
  std::vector<Expr*> args;
  if (!at(Tok::RParen)) {
    do args.push_back(expression());
    while (accept(Tok::Comma));
  }
  expect(Tok::RParen, closes(open));
  return args;
}

// method_args := [method_arg {',' method_arg}] ')'      method_arg := expr | 'acquire' | 'release'
// (the two order words that are keywords elsewhere; parser_orders.cpp says why)
std::vector<Expr*> Parser::method_arguments(const Token& open) {
  std::vector<Expr*> args;
  if (!at(Tok::RParen)) {
    do {
      if ((at(Tok::Acquire) || at(Tok::Release)) && (peek(1).kind == Tok::RParen || peek(1).kind == Tok::Comma)) {
        const Token& word = next();
        Expr* e = new_expr(ExprKind::Name, word);
        e->name = word.text;
        args.push_back(e);
      } else {
        args.push_back(expression());
      }
    } while (accept(Tok::Comma));
  }
  expect(Tok::RParen, closes(open));
  return args;
}

// primary := INT | 'true' | 'false' | STRING | 'id' | 'self' | '(' expr ')'
Expr* Parser::primary() {
  const Token& t = peek();
  switch (t.kind) {
    case Tok::Int: {
      Expr* e = new_expr(ExprKind::Int, next());
      e->value = t.value;
      return e;
    }
    case Tok::True:
    case Tok::False: {
      Expr* e = new_expr(ExprKind::Bool, next());
      e->value = t.kind == Tok::True ? 1 : 0;
      e->type = Type::Bool;
      return e;
    }
    case Tok::String: {
      Expr* e = new_expr(ExprKind::String, next());
      e->value = t.value;
      return e;
    }
    case Tok::Id: return new_expr(ExprKind::Id, next());
    case Tok::Self: return new_expr(ExprKind::Self, next());
    case Tok::LParen: {
      const Token& open = next();
      Expr* inner = expression();
      expect(Tok::RParen, closes(open));
      // The parentheses belong to the expression's text, so messages quote it as written.
      inner->begin = offset(open);
      finish(inner);
      return inner;
    }
    case Tok::Duration: fail(t, "a duration like " + std::string(t.text) + " can only follow 'sleep'");
    default: break;
  }
  if (is_keyword(t.kind)) fail(t, "expected an expression, found " + found(t) + ", which is a reserved word");
  fail(t, "expected an expression, found " + found(t));
}

}  // namespace lang
