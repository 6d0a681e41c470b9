// Parser: futures and thread pools — `future` and `pool` declarations, set/get/submit/map/shutdown,
// and `for i in as_completed results:`.
//
// Their words are soft keywords (as parser_timing.cpp's): keywords only where a name could not
// stand — at the top level, or before the name of the object they work on — so scenarios that
// use `set`, `get`, `map` or `pool` as names keep working.
#include "lang/parser.hpp"

namespace lang {

// top_level += 'future' NAME [size] {',' NAME [size]} NEWLINE
//            | 'pool' NAME [size] '=' expr {',' NAME [size] '=' expr} NEWLINE
bool Parser::futures_declaration(const Token& t) {
  if (t.text == "future") {
    toolbox_global(GlobalKind::Future);
    return true;
  }
  if (t.text == "pool") {
    toolbox_global(GlobalKind::Pool);
    return true;
  }
  return false;
}

// futures_stmt := 'set' NAME element ',' expr
//               | 'get' NAME element [',' target [',' target]]
//               | 'submit' NAME element ',' call [',' NAME element]
//               | 'map' NAME element ',' NAME ',' NAME ',' NAME
//               | 'shutdown' NAME element [',' 'cancel']
// Null if the name starts no such statement.
Stmt* Parser::futures_statement() {
  const Token& t = peek();
  if (peek(1).kind != Tok::Name) return nullptr;
  if (t.text == "future" || t.text == "pool") fail(t, "'" + std::string(t.text) + "' belongs at the top level, not inside a block");
  StmtKind kind = StmtKind::SetFuture;
  if (t.text == "get") {
    kind = StmtKind::GetFuture;
  } else if (t.text == "submit") {
    kind = StmtKind::Submit;
  } else if (t.text == "map") {
    kind = StmtKind::MapPool;
  } else if (t.text == "shutdown") {
    kind = StmtKind::Shutdown;
  } else if (t.text != "set") {
    return nullptr;
  }
  const Token& keyword = next();
  Stmt* s = new_stmt(kind, keyword);
  const bool on_future = kind == StmtKind::SetFuture || kind == StmtKind::GetFuture;
  const Token& name = expect_name(std::string(on_future ? "of the future" : "of the pool") + " after '" + std::string(keyword.text) + "'");
  s->name = name.text;
  s->name_pos = name.pos;
  s->index = element();
  const std::string written = std::string(keyword.text) + " " + std::string(name.text);
  switch (kind) {
    case StmtKind::SetFuture:
      expect(Tok::Comma, "and the value after '" + written + "' (write '" + written + ", 42')");
      s->value = expression();
      break;
    case StmtKind::GetFuture: receive_targets(s, written, "(false: its job was cancelled)"); break;
    case StmtKind::Submit: submission(s, written); break;
    case StmtKind::MapPool: mapping(s, written); break;
    default:
      if (accept(Tok::Comma)) {
        const Token& how = expect_name("after '" + written + ",' (only 'cancel' may follow)");
        if (how.text != "cancel") fail(how, "expected 'cancel' after '" + written + ",', found " + found(how));
        s->cancel = true;
      }
      break;
  }
  s->end = previous_end();
  return s;
}

// submit := 'submit' NAME element ',' NAME '(' args ')' [',' NAME element]
void Parser::submission(Stmt* s, const std::string& written) {
  expect(Tok::Comma, "and the procedure call after '" + written + "' (write '" + written + ", work(1)')");
  const Token& first = peek();
  if (first.kind != Tok::Name) fail(first, "expected a procedure call after '" + written + ",' (like 'work(1)'), found " + found(first));
  s->value = postfix();
  if (s->value->kind != ExprKind::Call) {
    fail(first, "a pool runs procedure calls: write '" + written + ", " + std::string(first.text) + "()' (a call, with its arguments)");
  }
  if (accept(Tok::Comma)) {
    const Token& future = expect_name("of the future its result sets, after the call");
    s->name2 = future.text;
    s->name2_pos = future.pos;
    s->index2 = element();
  }
}

// map := 'map' NAME element ',' NAME ',' NAME ',' NAME      (pool, procedure, inputs, outputs)
void Parser::mapping(Stmt* s, const std::string& written) {
  const std::string example = "(write '" + written + ", square, inputs, outputs')";
  Expr** parts[3] = {&s->value, &s->target, &s->target2};
  const char* what[3] = {"the procedure", "the array of inputs", "the array the results go to"};
  for (int i = 0; i < 3; ++i) {
    expect(Tok::Comma, "and " + std::string(what[i]) + " after '" + std::string(src_.text().substr(s->begin, previous_end() - s->begin)) + "' " + example);
    const Token& name = expect_name("for " + std::string(what[i]) + " of '" + written + "' " + example);
    Expr* e = new_expr(ExprKind::Name, name);
    e->name = name.text;
    finish(e);
    *parts[i] = e;
  }
}

// for_completed := 'for' NAME 'in' 'as_completed' NAME block    (s: the For statement begun)
Stmt* Parser::completed_loop(Stmt* s, const Token& keyword) {
  next();
  s->kind = StmtKind::ForCompleted;
  const Token& futures = expect_name("of the futures after 'as_completed'");
  s->name2 = futures.text;
  s->name2_pos = futures.pos;
  if (at(Tok::LBracket)) {
    fail(peek(), "'as_completed' takes every future of an array: write 'for " + std::string(s->name) + " in as_completed " +
                     std::string(futures.text) + ":'");
  }
  s->end = previous_end();
  s->body = block(keyword);
  return s;
}

}  // namespace lang
