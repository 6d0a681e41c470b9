// Token: the kinds of token the lexer produces, keywords included.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "lang/diagnostics.hpp"

namespace lang {

enum class Tok : std::uint8_t {
  End, Newline, Indent, Dedent,
  Name, Int, String, Duration,
  LParen, RParen, LBracket, RBracket, Comma, Colon, Dot, DotDot,
  Plus, Minus, Star, Slash, Percent,
  Assign, PlusAssign, MinusAssign,
  Eq, Ne, Lt, Le, Gt, Ge,
  // Keywords: declarations
  Expect, Shared, Atomic, Mutex, Condition, Semaphore, Thread, Def, Invariant, Finally,
  // Keywords: statements
  Let, If, Elif, Else, While, Repeat, For, In, Lock, Acquire, Release, Wait, Notify, NotifyAll,
  Yield, Sleep, Print, Assert, Return, Break, Continue, Pass,
  // Keywords: expressions
  And, Or, Not, True, False, Id, Self,
  // Keywords: the concurrency toolbox (channels, rwlocks, latches, barriers, mutex flavours)
  Channel, RwLock, Latch, Barrier, Recursive, Timed,
  Send, Recv, Close, Select, Read, Write, CountDown, ArriveAndWait, ArriveAndDrop,
};

// How a kind is named in messages: "'while'", "a name", "end of line".
std::string describe(Tok kind);
// The keyword spelled `text`, or Tok::Name.
Tok keyword(std::string_view text);
// True for the kinds spelled with letters (for "'if' is a reserved word").
bool is_keyword(Tok kind);

struct Token {
  Tok kind = Tok::End;
  Pos pos;
  std::uint32_t width = 1;   // characters, for the caret line
  std::string_view text;     // the lexeme as written (empty for Newline, Indent, Dedent, End)
  std::int64_t value = 0;    // Int: the number; Duration: nanoseconds; String: index into strings
};

}  // namespace lang
