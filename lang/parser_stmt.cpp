// Parser: blocks and statements.
#include "lang/parser.hpp"

namespace lang {

namespace {

std::string line_of(const Token& t) { return "line " + std::to_string(t.pos.line); }

}  // namespace

Stmt* Parser::new_stmt(StmtKind kind, const Token& first) {
  Stmt& s = out_.stmt_store.emplace_back();
  s.kind = kind;
  s.pos = first.pos;
  s.begin = offset(first);
  return &s;
}

// block := ':' NEWLINE INDENT statement {statement} DEDENT
//        | ':' simple_statement NEWLINE
Block Parser::block(const Token& opener) {
  const std::string name = "'" + std::string(opener.text) + "'";
  expect(Tok::Colon, "to start the body of " + name + (peek().pos.line != opener.pos.line ? " at " + line_of(opener) : ""));
  Block body;
  if (accept(Tok::Newline)) {
    if (!at(Tok::Indent)) fail(peek(), "expected an indented block after " + name + " at " + line_of(opener) + ", found " + found(peek()));
    next();
    deeper(peek(), "blocks");
    while (!at(Tok::Dedent) && !at(Tok::End)) body.push_back(statement());
    accept(Tok::Dedent);
    --depth_;
    return body;
  }
  if (at(Tok::End)) fail(peek(), "expected a statement after ':' of " + name + ", found end of file");
  body.push_back(simple_statement());
  return body;
}

// statement := if_stmt | while_stmt | repeat_stmt | for_stmt | lock_stmt | atomic_stmt
//            | simple_statement
// lock_stmt := 'lock' NAME element block
// atomic_stmt := 'atomic' block
Stmt* Parser::statement() {
  const Token& t = peek();
  switch (t.kind) {
    case Tok::If: return if_statement(next());
    case Tok::While:
    case Tok::Repeat:
    case Tok::For: return loop_statement(next());
    case Tok::Lock: {
      const Token& keyword = next();
      Stmt* s = new_stmt(StmtKind::Lock, keyword);
      const Token& name = expect_name("of the mutex after 'lock'");
      s->name = name.text;
      s->name_pos = name.pos;
      s->index = element();
      if (at(Tok::For)) return lock_for(s, keyword);
      s->end = previous_end();
      s->body = block(keyword);
      return s;
    }
    case Tok::Select: return select_statement(next());
    case Tok::Read:
    case Tok::Write: return held_statement(next());
    case Tok::Atomic: {
      const Token& keyword = next();
      if (at(Tok::Name)) {
        fail(keyword, "atomic variables are declared at the top level; inside a block, 'atomic:' starts a block that runs as one step");
      }
      Stmt* s = new_stmt(StmtKind::Atomic, keyword);
      s->end = previous_end();
      s->body = block(keyword);
      return s;
    }
    default: return simple_statement();
  }
}

// simple_statement := ( 'let' NAME '=' expr | name_stmt | object_stmt | print_stmt
//                     | 'assert' expr [',' STRING] | 'return' [expr] | 'sleep' DURATION
//                     | 'yield' | 'pass' | 'break' | 'continue' | fence_stmt ) NEWLINE
Stmt* Parser::simple_statement() {
  const Token& t = peek();
  Stmt* s = nullptr;
  switch (t.kind) {
    case Tok::Let: {
      s = new_stmt(StmtKind::Let, next());
      const Token& name = expect_name("after 'let'");
      s->name = name.text;
      s->name_pos = name.pos;
      expect(Tok::Assign, "after 'let " + std::string(name.text) + "' (a local starts with a value: 'let " + std::string(name.text) + " = 0')");
      s->value = expression();
      break;
    }
    case Tok::Name:
      s = timing_statement();
      if (s == nullptr) s = order_statement();
      if (s == nullptr) s = futures_statement();
      if (s == nullptr) s = name_statement();
      break;
    case Tok::Yield: s = new_stmt(StmtKind::Yield, next()); break;
    case Tok::Pass: s = new_stmt(StmtKind::Pass, next()); break;
    case Tok::Break: s = new_stmt(StmtKind::Break, next()); break;
    case Tok::Continue: s = new_stmt(StmtKind::Continue, next()); break;
    case Tok::Sleep: {
      s = new_stmt(StmtKind::Sleep, next());
      if (at(Tok::Int)) fail(peek(), "a duration needs a unit: write " + std::string(peek().text) + "ms or " + std::string(peek().text) + "s");
      s->duration = expect(Tok::Duration, "after 'sleep' (like 200ms or 1s)").value;
      break;
    }
    case Tok::Print: s = print_statement(next()); break;
    case Tok::Assert: {
      s = new_stmt(StmtKind::Assert, next());
      s->value = expression();
      if (accept(Tok::Comma)) s->message = static_cast<std::int32_t>(expect(Tok::String, "(the message) after ','").value);
      break;
    }
    case Tok::Return: {
      s = new_stmt(StmtKind::Return, next());
      if (!at(Tok::Newline) && !at(Tok::End) && !at(Tok::Dedent)) s->value = expression();
      break;
    }
    case Tok::Acquire:
    case Tok::Release:
    case Tok::Wait:
    case Tok::Notify:
    case Tok::NotifyAll: s = object_statement(next()); break;
    case Tok::Send:
    case Tok::Recv:
    case Tok::Close:
    case Tok::CountDown:
    case Tok::ArriveAndWait:
    case Tok::ArriveAndDrop: s = toolbox_statement(next()); break;
    default: misplaced(t);
  }
  s->end = previous_end();
  end_of_line("the statement");
  return s;
}

// What a token that cannot start a simple statement is doing there.
void Parser::misplaced(const Token& t) {
  switch (t.kind) {
    case Tok::If:
    case Tok::While:
    case Tok::Repeat:
    case Tok::For:
    case Tok::Lock:
    case Tok::Atomic:
    case Tok::Select:
    case Tok::Read:
    case Tok::Write:
      fail(t, "a " + found(t) + " block cannot follow ':' on the same line; start it on a new, indented line");
    case Tok::Else:
    case Tok::Elif: fail(t, found(t) + " without 'if'");
    case Tok::Indent: fail(t, "unexpected indentation");
    case Tok::Expect:
    case Tok::Shared:
    case Tok::Mutex:
    case Tok::Condition:
    case Tok::Semaphore:
    case Tok::Channel:
    case Tok::RwLock:
    case Tok::Latch:
    case Tok::Barrier:
    case Tok::Recursive:
    case Tok::Timed:
    case Tok::Thread:
    case Tok::Def:
    case Tok::Invariant:
    case Tok::Finally: fail(t, found(t) + " belongs at the top level, not inside a block");
    default: fail(t, "expected a statement, found " + found(t));
  }
}

// if_stmt := 'if' expr block {'elif' expr block} ['else' block]
Stmt* Parser::if_statement(const Token& keyword) {
  Stmt* first = new_stmt(StmtKind::If, keyword);
  first->value = expression();
  first->end = previous_end();
  first->body = block(keyword);
  // An elif chain is kept flat (each elif sits alone in the orelse of the one before) and is
  // walked in a loop, so a long chain costs no stack.
  Stmt* last = first;
  while (at(Tok::Elif)) {
    const Token& elif = next();
    Stmt* s = new_stmt(StmtKind::If, elif);
    s->elif = true;
    s->value = expression();
    s->end = previous_end();
    s->body = block(elif);
    last->orelse.push_back(s);
    last = s;
  }
  if (at(Tok::Else)) {
    const Token& otherwise = next();
    if (at(Tok::If)) fail(peek(), "write 'elif' instead of 'else if'");
    last->orelse = block(otherwise);
  }
  return first;
}

// while_stmt := 'while' expr block
// repeat_stmt := 'repeat' expr block
// for_stmt := 'for' NAME 'in' expr '..' expr block
//           | 'for' NAME 'in' NAME element block        (each value received until the channel closes)
//           | 'for' NAME 'in' 'as_completed' NAME block (parser_futures.cpp)
Stmt* Parser::loop_statement(const Token& keyword) {
  Stmt* s = nullptr;
  if (keyword.kind == Tok::For) {
    s = new_stmt(StmtKind::For, keyword);
    const Token& name = expect_name("for the loop variable after 'for'");
    s->name = name.text;
    s->name_pos = name.pos;
    expect(Tok::In, "after 'for " + std::string(name.text) + "' (for i in 0..N)");
    if (at(Tok::Name) && peek().text == "as_completed" && peek(1).kind == Tok::Name) return completed_loop(s, keyword);
    s->value = expression();
    if (at(Tok::Colon) && (s->value->kind == ExprKind::Name || s->value->kind == ExprKind::Index)) {
      s->kind = StmtKind::ForChannel;
      s->name2 = s->value->name;
      s->name2_pos = s->value->pos;
      s->index2 = s->value->a;
      s->value = nullptr;
      s->end = previous_end();
      s->body = block(keyword);
      return s;
    }
    expect(Tok::DotDot, "between the first and the end of the range (for i in 0..N counts 0 to N-1)");
    s->value2 = expression();
  } else {
    s = new_stmt(keyword.kind == Tok::While ? StmtKind::While : StmtKind::Repeat, keyword);
    s->value = expression();
  }
  s->end = previous_end();
  s->body = block(keyword);
  return s;
}

// object_stmt := ('acquire' | 'release' | 'notify' | 'notify_all') NAME element
//              | 'wait' NAME element [',' NAME element]      (a latch is waited for without a mutex)
Stmt* Parser::object_statement(const Token& keyword) {
  StmtKind kind = StmtKind::Acquire;
  switch (keyword.kind) {
    case Tok::Release: kind = StmtKind::Release; break;
    case Tok::Wait: kind = StmtKind::Wait; break;
    case Tok::Notify: kind = StmtKind::Notify; break;
    case Tok::NotifyAll: kind = StmtKind::NotifyAll; break;
    default: break;
  }
  Stmt* s = new_stmt(kind, keyword);
  const Token& name = expect_name("after '" + std::string(keyword.text) + "'");
  s->name = name.text;
  s->name_pos = name.pos;
  s->index = element();
  if (kind == StmtKind::Wait && (at(Tok::Newline) || at(Tok::End) || at(Tok::Dedent))) {
    s->name2_pos = peek().pos;  // `wait done` on a latch; on a condition the checker asks for the mutex
  } else if (kind == StmtKind::Wait) {
    expect(Tok::Comma, "and the mutex after 'wait " + std::string(name.text) + "' (write 'wait " + std::string(name.text) + ", m' while holding m)");
    const Token& mutex = expect_name("of the mutex after 'wait " + std::string(name.text) + ",'");
    s->name2 = mutex.text;
    s->name2_pos = mutex.pos;
    s->index2 = element();
  }
  return s;
}

// element := ['[' expr ']']      (after the name of a mutex, condition or semaphore)
Expr* Parser::element() {
  if (!at(Tok::LBracket)) return nullptr;
  const Token& open = next();
  Expr* index = expression();
  expect(Tok::RBracket, "(to close '[' at line " + std::to_string(open.pos.line) + ")");
  return index;
}

// name_stmt := target ('=' | '+=' | '-=') expr | call
// target := NAME ['[' expr ']']
// call := NAME '(' args ')' | target '.' NAME '(' args ')'
Stmt* Parser::name_statement() {
  const Token& first = peek();
  Expr* e = postfix();
  if (e->kind == ExprKind::Call || e->kind == ExprKind::Method) {
    if (at(Tok::Assign) || at(Tok::PlusAssign) || at(Tok::MinusAssign)) fail(peek(), "cannot assign to a call");
    Stmt* s = new_stmt(StmtKind::Call, first);
    s->value = e;
    return s;
  }
  StmtKind kind = StmtKind::Assign;
  if (at(Tok::PlusAssign)) kind = StmtKind::AddAssign;
  if (at(Tok::MinusAssign)) kind = StmtKind::SubAssign;
  if (!at(Tok::Assign) && kind == StmtKind::Assign) {
    const std::string target(src_.text().substr(e->begin, e->end - e->begin));
    if (at(Tok::Eq)) fail(peek(), "'==' compares, and the result would be thrown away; to assign, write '" + target + " = ...'");
    if (at(Tok::Newline) || at(Tok::End)) fail(first, "'" + target + "' alone does nothing; a statement that starts with a name assigns to it or calls it");
    fail(peek(), "expected '=' after '" + target + "', found " + found(peek()));
  }
  next();
  Stmt* s = new_stmt(kind, first);
  s->target = e;
  s->value = expression();
  return s;
}

// print_stmt := 'print' [item {',' item}]
// item := STRING | expr
Stmt* Parser::print_statement(const Token& keyword) {
  Stmt* s = new_stmt(StmtKind::Print, keyword);
  if (at(Tok::Newline) || at(Tok::End) || at(Tok::Dedent)) return s;
  do {
    PrintItem item;
    if (at(Tok::String) && (peek(1).kind == Tok::Comma || peek(1).kind == Tok::Newline || peek(1).kind == Tok::End)) {
      item.string = static_cast<std::int32_t>(next().value);
    } else {
      item.expr = expression();
    }
    s->items.push_back(item);
  } while (accept(Tok::Comma));
  return s;
}

}  // namespace lang
