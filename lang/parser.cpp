// Parser: token helpers and the top-level declarations (expect, variables, threads, procedures).
#include "lang/parser.hpp"

namespace lang {

Module parse(const Source& source, Lexed lexed, std::uint32_t max_nesting) {
  Module m;
  Parser(source, lexed, m, max_nesting).module();
  m.strings = std::move(lexed.strings);
  return m;
}

Parser::Parser(const Source& source, Lexed& lexed, Module& out, std::uint32_t max_nesting)
    : src_(source), lexed_(lexed), out_(out), max_nesting_(max_nesting) {}

const Token& Parser::peek(std::size_t ahead) const {
  const std::size_t i = at_ + ahead;
  return i < lexed_.tokens.size() ? lexed_.tokens[i] : lexed_.tokens.back();
}

const Token& Parser::next() {
  const Token& t = peek();
  if (at_ + 1 < lexed_.tokens.size()) ++at_;
  return t;
}

bool Parser::accept(Tok kind) {
  if (!at(kind)) return false;
  next();
  return true;
}

std::string closes(const Token& open) { return "(to close '" + std::string(open.text) + "' at line " + std::to_string(open.pos.line) + ")"; }

std::string Parser::found(const Token& t) const {
  switch (t.kind) {
    case Tok::End: return "end of file";
    case Tok::Newline: return "end of line";
    case Tok::Indent: return "an indented line";
    case Tok::Dedent:
      // The blocks still open at the end of the file close there.
      return t.text.data() == src_.text().data() + src_.text().size() ? "end of file" : "the end of the block";
    default: return quote(t.text);
  }
}

void Parser::fail(const Token& at, std::string message) const { src_.fail(at.pos, std::move(message), at.width); }

const Token& Parser::expect(Tok kind, std::string_view context) {
  if (at(kind)) return next();
  std::string message = "expected " + describe(kind) + " " + std::string(context) + ", found " + found(peek());
  if (kind == Tok::Colon && at(Tok::Assign)) message += " (to compare, write '==')";
  fail(peek(), message);
}

const Token& Parser::expect_name(std::string_view context) {
  if (at(Tok::Name)) return next();
  if (is_keyword(peek().kind)) fail(peek(), "expected a name " + std::string(context) + ", found " + found(peek()) + ", which is a reserved word");
  fail(peek(), "expected a name " + std::string(context) + ", found " + found(peek()));
}

void Parser::end_of_line(std::string_view after) {
  if (accept(Tok::Newline) || at(Tok::End)) return;
  std::string message = "expected end of line after " + std::string(after) + ", found " + found(peek());
  if (at(Tok::Assign)) message += " (to compare, write '==')";
  fail(peek(), message);
}

std::uint32_t Parser::offset(const Token& t) const {
  return static_cast<std::uint32_t>(t.text.data() - src_.text().data());
}

std::uint32_t Parser::previous_end() const {
  if (at_ == 0) return 0;
  const Token& t = lexed_.tokens[at_ - 1];
  return offset(t) + static_cast<std::uint32_t>(t.text.size());
}

// module := { top_level } End
void Parser::module() {
  while (!at(Tok::End)) top_level();
}

// top_level := expect_line | global_decl | thread | procedure | invariant | finally_block
void Parser::top_level() {
  const Token& t = peek();
  switch (t.kind) {
    case Tok::Expect: return expect_line();
    case Tok::Shared: return global(GlobalKind::Shared);
    case Tok::Atomic: return global(GlobalKind::Atomic);
    case Tok::Mutex: return global(GlobalKind::Mutex);
    case Tok::Condition: return global(GlobalKind::Condition);
    case Tok::Semaphore: return global(GlobalKind::Semaphore);
    case Tok::Channel: return toolbox_global(GlobalKind::Channel);
    case Tok::RwLock: return toolbox_global(GlobalKind::RwLock);
    case Tok::Latch: return toolbox_global(GlobalKind::Latch);
    case Tok::Barrier: return toolbox_global(GlobalKind::Barrier);
    case Tok::Recursive:
    case Tok::Timed: return flavoured_mutex();
    case Tok::Thread: return thread();
    case Tok::Def: return procedure();
    case Tok::Invariant: return invariant();
    case Tok::Finally: return finally_block();
    case Tok::Indent: fail(t, "unexpected indentation");
    case Tok::Else:
    case Tok::Elif: fail(t, found(t) + " without 'if'");
    case Tok::Newline: next(); return;
    default: break;
  }
  if (t.kind == Tok::Name && (timing_declaration(t) || futures_declaration(t))) return;
  if (t.kind == Tok::Name || (is_keyword(t.kind) && t.kind != Tok::True && t.kind != Tok::False)) {
    fail(t, "statements belong inside a 'thread', 'def' or 'finally:' block; found " + found(t) +
                " at the top level (declarations there are expect, shared, atomic, mutex, condition, "
                "semaphore, channel, rwlock, latch, barrier, future, pool, thread, process, async, machine, def, invariant, finally)");
  }
  fail(t, "expected a declaration (expect, shared, atomic, mutex, condition, semaphore, channel, rwlock, "
          "latch, barrier, future, pool, thread, process, async, machine, def, invariant or finally), found " + found(t));
}

// expect_line := 'expect' outcome {',' outcome} NEWLINE
// outcome := NAME {'-' NAME}        (written without spaces: potential-deadlock)
void Parser::expect_line() {
  const Token& keyword = next();
  if (out_.has_expect) fail(keyword, "a second 'expect' line (the first is at line " + std::to_string(out_.expect_pos.line) + ")");
  out_.has_expect = true;
  out_.expect_pos = keyword.pos;
  do {
    // Outcome words may be spelled like keywords: lock-misuse, channel-misuse.
    const Token& first = is_keyword(peek().kind) ? next() : expect_name("of an outcome after 'expect' (ok, assertion, deadlock, race, ...)");
    std::uint32_t end = offset(first) + static_cast<std::uint32_t>(first.text.size());
    while (at(Tok::Minus) && offset(peek()) == end && (peek(1).kind == Tok::Name || is_keyword(peek(1).kind)) && offset(peek(1)) == end + 1) {
      next();
      const Token& part = next();
      end = offset(part) + static_cast<std::uint32_t>(part.text.size());
    }
    out_.expects.push_back(NamePos{std::string_view(src_.text()).substr(offset(first), end - offset(first)), first.pos});
  } while (accept(Tok::Comma));
  end_of_line("the outcomes of 'expect'");
}

// global_decl := ('shared' | 'atomic') item {',' item} NEWLINE
//              | ('mutex' | 'condition') NAME [size] {',' NAME [size]} NEWLINE
//              | 'semaphore' NAME [size] '=' expr ['max' expr] {',' ...} NEWLINE
// item := NAME [size] ['=' (expr | '[' expr {',' expr} ']')]
// size := '[' expr ']'
void Parser::global(GlobalKind kind) {
  const Token& keyword = next();
  const std::string what = "'" + std::string(keyword.text) + "'";
  do {
    GlobalDecl d;
    d.kind = kind;
    const Token& name = expect_name("after " + what);
    d.name = NamePos{name.text, name.pos};
    const bool valued = kind == GlobalKind::Shared || kind == GlobalKind::Atomic;
    if (at(Tok::LBracket)) {
      const Token& open = next();
      d.size = expression();
      expect(Tok::RBracket, "(to close '[' at line " + std::to_string(open.pos.line) + ")");
    }
    if (kind == GlobalKind::Semaphore) {
      expect(Tok::Assign, "and the initial count after semaphore '" + std::string(name.text) + "'");
      d.init = expression();
      if (at(Tok::Name) && peek().text == "max") {
        next();
        d.limit = expression();
      }
    } else if (valued && accept(Tok::Assign)) {
      if (at(Tok::LBracket)) {
        const Token& open = next();
        d.has_list = true;
        do d.init_list.push_back(expression());
        while (accept(Tok::Comma));
        expect(Tok::RBracket, "(to close '[' at line " + std::to_string(open.pos.line) + ")");
      } else {
        d.init = expression();
      }
    } else if (!valued && at(Tok::Assign)) {
      fail(peek(), "a " + std::string(keyword.text) + " has no value to set; write '" + std::string(keyword.text) + " " +
                       std::string(name.text) + "'");
    }
    out_.globals.push_back(std::move(d));
  } while (accept(Tok::Comma));
  end_of_line("the " + what + " declaration");
}

// thread := 'thread' thread_name {',' thread_name} ':' block
// thread_name := NAME ['[' expr ']']
void Parser::thread() {
  const Token& keyword = next();
  ThreadDecl d;
  d.pos = keyword.pos;
  d.kind = keyword.text == "process" ? TaskKind::Process : keyword.text == "async" ? TaskKind::Async : TaskKind::Thread;
  do {
    ThreadDecl::Entry e;
    const Token& name = expect_name("for the thread");
    e.name = NamePos{name.text, name.pos};
    if (at(Tok::LBracket)) {
      const Token& open = next();
      e.count = expression();
      expect(Tok::RBracket, "(to close '[' at line " + std::to_string(open.pos.line) + ")");
    }
    d.names.push_back(e);
  } while (accept(Tok::Comma));
  d.body = block(keyword);
  out_.threads.push_back(std::move(d));
}

// procedure := 'def' NAME '(' [NAME {',' NAME}] ')' ':' block
void Parser::procedure() {
  const Token& keyword = next();
  ProcDecl d;
  const Token& name = expect_name("for the procedure after 'def'");
  d.name = NamePos{name.text, name.pos};
  const Token& open = expect(Tok::LParen, "after the procedure's name (its parameters, possibly none: 'def " + std::string(name.text) + "():')");
  if (!at(Tok::RParen)) {
    do {
      const Token& param = expect_name("for a parameter of '" + std::string(name.text) + "'");
      d.params.push_back(NamePos{param.text, param.pos});
    } while (accept(Tok::Comma));
  }
  expect(Tok::RParen, "(to close '(' at line " + std::to_string(open.pos.line) + ")");
  d.body = block(keyword);
  out_.procs.push_back(std::move(d));
}

// invariant := 'invariant' expr NEWLINE
void Parser::invariant() {
  next();
  out_.invariants.push_back(expression());
  end_of_line("the invariant");
}

// finally_block := 'finally' ':' block
void Parser::finally_block() {
  const Token& keyword = next();
  if (out_.has_finally) {
    fail(keyword, "a second 'finally:' block (the first is at line " + std::to_string(out_.finally_pos.line) + ")");
  }
  out_.has_finally = true;
  out_.finally_pos = keyword.pos;
  out_.finally = block(keyword);
}

}  // namespace lang
