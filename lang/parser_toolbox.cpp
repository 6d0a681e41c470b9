// Parser: the concurrency toolbox — channels and select, rwlocks, latches, barriers, mutex flavours.
#include "lang/parser.hpp"

namespace lang {

// channel_decl := 'channel' NAME [size] ['(' (expr | 'unbounded') ')'] {',' ...} NEWLINE
// rwlock_decl := 'rwlock' NAME [size] ['prefer' ('readers' | 'writers')] {',' ...} NEWLINE
// count_decl := ('latch' | 'barrier' | 'pool') NAME [size] '=' expr {',' ...} NEWLINE
// future_decl := 'future' NAME [size] {',' ...} NEWLINE
void Parser::toolbox_global(GlobalKind kind) {
  const Token& keyword = next();
  const std::string what = "'" + std::string(keyword.text) + "'";
  do {
    GlobalDecl d;
    d.kind = kind;
    const Token& name = expect_name("after " + what);
    const std::string example = std::string(keyword.text) + " " + std::string(name.text);
    d.name = NamePos{name.text, name.pos};
    d.size = element();
    if (kind == GlobalKind::Channel && at(Tok::LParen)) {
      const Token& open = next();
      if (at(Tok::Name) && peek().text == "unbounded") {
        next();
        d.flavour = Flavour::Unbounded;
      } else {
        d.limit = expression();
      }
      expect(Tok::RParen, closes(open));
    } else if (kind == GlobalKind::RwLock && at(Tok::Name) && peek().text == "prefer") {
      next();
      const Token& who = expect_name("after 'prefer' (readers or writers)");
      if (who.text == "writers") {
        d.flavour = Flavour::PreferWriters;
      } else if (who.text != "readers") {
        fail(who, "expected 'readers' or 'writers' after 'prefer', found " + found(who));
      }
    } else if (kind == GlobalKind::Latch || kind == GlobalKind::Barrier || kind == GlobalKind::Pool) {
      const char* count = kind == GlobalKind::Pool ? "the number of workers" : "the count";
      expect(Tok::Assign, "and " + std::string(count) + " after " + what + " (like '" + example + " = " + (kind == GlobalKind::Pool ? "2" : "3") + "')");
      d.limit = expression();
    }
    if (at(Tok::Assign)) {
      std::string hint = kind == GlobalKind::Channel ? "; a capacity goes in parentheses: '" + example + "(4)'" : "";
      if (kind == GlobalKind::Future) hint = "; a thread sets it: 'set " + std::string(name.text) + ", 42'";
      fail(peek(), "a " + std::string(keyword.text) + " has no value to set" + hint);
    }
    out_.globals.push_back(std::move(d));
  } while (accept(Tok::Comma));
  end_of_line("the " + what + " declaration");
}

// flavoured_mutex := ('recursive' | 'timed') mutex_decl
void Parser::flavoured_mutex() {
  const Token& flavour = next();
  if (!at(Tok::Mutex)) {
    fail(peek(), "expected 'mutex' after '" + std::string(flavour.text) + "' (write '" + std::string(flavour.text) + " mutex m'), found " + found(peek()));
  }
  const std::size_t first = out_.globals.size();
  global(GlobalKind::Mutex);
  for (std::size_t i = first; i < out_.globals.size(); ++i) {
    out_.globals[i].flavour = flavour.kind == Tok::Recursive ? Flavour::Recursive : Flavour::Timed;
  }
}

// toolbox_stmt := send_stmt | recv_stmt
//               | ('close' | 'arrive_and_wait' | 'arrive_and_drop') NAME element
//               | 'count_down' NAME element [',' expr]
Stmt* Parser::toolbox_statement(const Token& keyword) {
  if (keyword.kind == Tok::Send || keyword.kind == Tok::Recv) return channel_operation(keyword);
  StmtKind kind = StmtKind::Close;
  if (keyword.kind == Tok::CountDown) kind = StmtKind::CountDown;
  if (keyword.kind == Tok::ArriveAndWait) kind = StmtKind::ArriveAndWait;
  if (keyword.kind == Tok::ArriveAndDrop) kind = StmtKind::ArriveAndDrop;
  Stmt* s = new_stmt(kind, keyword);
  const Token& name = expect_name("after '" + std::string(keyword.text) + "'");
  s->name = name.text;
  s->name_pos = name.pos;
  s->index = element();
  if (kind == StmtKind::CountDown && accept(Tok::Comma)) s->value = expression();
  return s;
}

// send_stmt := 'send' NAME element ',' expr
// recv_stmt := 'recv' NAME element [',' target [',' target]]
Stmt* Parser::channel_operation(const Token& keyword) {
  const bool sends = keyword.kind == Tok::Send;
  Stmt* s = new_stmt(sends ? StmtKind::Send : StmtKind::Recv, keyword);
  const Token& name = expect_name("of the channel after '" + std::string(keyword.text) + "'");
  s->name = name.text;
  s->name_pos = name.pos;
  s->index = element();
  const std::string written = std::string(keyword.text) + " " + std::string(name.text);
  if (sends) {
    expect(Tok::Comma, "and the value after '" + written + "' (write '" + written + ", 42')");
    s->value = expression();
  } else {
    receive_targets(s, written, "(false: closed)");
  }
  s->end = previous_end();
  return s;
}

// [',' target [',' target]] after `recv c` or `get f`: where the value goes, and the `ok` flag.
void Parser::receive_targets(Stmt* s, const std::string& written, std::string_view ok_meaning) {
  if (!accept(Tok::Comma)) return;
  const Token& first = peek();
  if (first.kind != Tok::Name) fail(first, "expected the variable that receives the value after '" + written + ",', found " + found(first));
  s->target = postfix();
  if (accept(Tok::Comma)) {
    if (!at(Tok::Name)) fail(peek(), "expected the variable told whether a value came " + std::string(ok_meaning) + " after '" + written + ", " + std::string(src_.text().substr(s->target->begin, s->target->end - s->target->begin)) + ",', found " + found(peek()));
    s->target2 = postfix();
  }
}

// select_stmt := 'select' ':' NEWLINE INDENT case {case} DEDENT
// case := (send_stmt | recv_stmt) block | 'else' block
Stmt* Parser::select_statement(const Token& keyword) {
  Stmt* s = new_stmt(StmtKind::Select, keyword);
  s->end = previous_end();
  expect(Tok::Colon, "after 'select' (its cases follow on indented lines)");
  if (!accept(Tok::Newline) || !at(Tok::Indent)) {
    fail(peek(), "the cases of 'select' go on the lines below it, indented ('recv c, x:', 'send c, 1:', 'else:'), found " + found(peek()));
  }
  next();
  if (++depth_ > 200) fail(peek(), "blocks nested too deeply (more than 200 levels)");
  const Token* otherwise = nullptr;
  while (!at(Tok::Dedent) && !at(Tok::End)) {
    const Token& t = next();
    if (t.kind == Tok::Send || t.kind == Tok::Recv) {
      Stmt* c = channel_operation(t);
      c->body = block(t);
      s->body.push_back(c);
    } else if (t.kind == Tok::Else) {
      if (otherwise != nullptr) fail(t, "a second 'else:' in this 'select' (the first is at line " + std::to_string(otherwise->pos.line) + ")");
      otherwise = &t;
      s->orelse = block(t);
    } else {
      fail(t, "expected a case of 'select' ('recv', 'send' or 'else'), found " + found(t));
    }
  }
  accept(Tok::Dedent);
  --depth_;
  if (s->body.empty()) fail(keyword, "a 'select' needs at least one 'recv' or 'send' case");
  return s;
}

// read_stmt := 'read' NAME element block        (the rwlock held shared)
// write_stmt := 'write' NAME element block       (the rwlock held exclusively)
Stmt* Parser::held_statement(const Token& keyword) {
  Stmt* s = new_stmt(keyword.kind == Tok::Read ? StmtKind::Read : StmtKind::Write, keyword);
  const Token& name = expect_name("of the rwlock after '" + std::string(keyword.text) + "'");
  s->name = name.text;
  s->name_pos = name.pos;
  s->index = element();
  s->end = previous_end();
  s->body = block(keyword);
  return s;
}

// lock_for := 'lock' NAME element 'for' DURATION block ['else' block]
Stmt* Parser::lock_for(Stmt* s, const Token& keyword) {
  next();
  s->kind = StmtKind::LockFor;
  if (at(Tok::Int)) fail(peek(), "a duration needs a unit: write " + std::string(peek().text) + "ms or " + std::string(peek().text) + "s");
  s->duration = expect(Tok::Duration, "after 'lock " + std::string(s->name) + " for' (the timeout, like 50ms)").value;
  s->end = previous_end();
  s->body = block(keyword);
  if (at(Tok::Else)) s->orelse = block(next());
  return s;
}

}  // namespace lang
