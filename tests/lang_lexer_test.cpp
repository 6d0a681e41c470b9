// Tests the scenario lexer: tokens, indentation blocks, literals, columns, and lexical errors.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "lang/lexer.hpp"

namespace {

using lang::Tok;

std::vector<Tok> kinds(const std::string& text) {
  lang::Source source("t.scn", text);
  std::vector<Tok> out;
  for (const lang::Token& t : lang::lex(source).tokens) out.push_back(t.kind);
  return out;
}

// The headline of the error lexing `text` gives, or "" if it lexes.
std::string lex_error(const std::string& text) {
  lang::Source source("t.scn", text);
  try {
    lang::lex(source);
  } catch (const lang::Error& e) {
    return e.diagnostic().headline();
  }
  return "";
}

}  // namespace

TEST_CASE("a thread with a block gives Indent and Dedent around its statements") {
  const std::vector<Tok> expected{Tok::Thread, Tok::Name, Tok::Colon, Tok::Newline, Tok::Indent, Tok::Yield,
                                  Tok::Newline, Tok::Dedent, Tok::End};
  CHECK(kinds("thread a:\n    yield\n") == expected);
  // Blank lines and comment lines do not end or open blocks; a missing final newline is fine.
  CHECK(kinds("# c\nthread a:\n\n    # inside\n    yield") == expected);
}

TEST_CASE("nested blocks close one Dedent per level") {
  const std::vector<Tok> expected{Tok::Thread, Tok::Name, Tok::Colon, Tok::Newline, Tok::Indent,
                                  Tok::While, Tok::True, Tok::Colon, Tok::Newline, Tok::Indent,
                                  Tok::Pass, Tok::Newline, Tok::Dedent, Tok::Dedent,
                                  Tok::Finally, Tok::Colon, Tok::Newline, Tok::Indent, Tok::Pass, Tok::Newline, Tok::Dedent, Tok::End};
  CHECK(kinds("thread a:\n  while true:\n      pass\nfinally:\n pass\n") == expected);
}

TEST_CASE("line breaks inside brackets continue the line") {
  const std::vector<Tok> expected{Tok::Let, Tok::Name, Tok::Assign, Tok::LParen, Tok::Int, Tok::Plus,
                                  Tok::Int, Tok::RParen, Tok::Newline, Tok::End};
  CHECK(kinds("let x = (1 +\n      2)\n") == expected);
  CHECK(kinds("let x = 1 + \\\n 2\n").size() == 8);  // an explicit continuation
}

TEST_CASE("operators, keywords and names") {
  const std::vector<Tok> expected{Tok::Name, Tok::PlusAssign, Tok::Name, Tok::Le, Tok::Int, Tok::And, Tok::Not,
                                  Tok::Name, Tok::Ne, Tok::Self, Tok::Newline, Tok::End};
  CHECK(kinds("x += y <= 3 and not z != self") == expected);
  CHECK(kinds("for i in 0..n")[4] == Tok::DotDot);
  CHECK(kinds("notify_all c")[0] == Tok::NotifyAll);
  CHECK(kinds("waiting")[0] == Tok::Name);  // a keyword's prefix is still a name
}

TEST_CASE("literals: integers with underscores, durations in nanoseconds, strings with escapes") {
  lang::Source source("t.scn", "1_000 200ms 2s \"a\\tb\\\"c\" 'x'");
  const lang::Lexed lexed = lang::lex(source);
  REQUIRE(lexed.tokens.size() >= 5);
  CHECK(lexed.tokens[0].value == 1000);
  CHECK(lexed.tokens[1].kind == Tok::Duration);
  CHECK(lexed.tokens[1].value == 200'000'000);
  CHECK(lexed.tokens[2].value == 2'000'000'000);
  CHECK(lexed.strings.at(static_cast<std::size_t>(lexed.tokens[3].value)) == "a\tb\"c");
  CHECK(lexed.strings.at(static_cast<std::size_t>(lexed.tokens[4].value)) == "x");
}

TEST_CASE("columns count characters, not bytes") {
  lang::Source source("t.scn", "print \"é—\", x");
  const lang::Lexed lexed = lang::lex(source);
  CHECK(lexed.tokens[3].text == "x");
  CHECK(lexed.tokens[3].pos.line == 1);
  CHECK(lexed.tokens[3].pos.col == 13);
  CHECK(lexed.tokens[1].width == 4);
}

TEST_CASE("lexical errors name the place and what is wrong") {
  CHECK(lex_error("thread a:\n    if x:\n        pass\n  else:\n") == "t.scn:4:3: error: indentation does not match any outer block");
  CHECK(lex_error("thread a:\n\tpass\n") == "t.scn:2:1: error: a tab in indentation: indent with spaces only");
  CHECK(lex_error("print \"abc\n") == "t.scn:1:7: error: unterminated string: it needs a closing \" on the same line");
  CHECK(lex_error("x = 1 @ 2") == "t.scn:1:7: error: unexpected character '@'");
  CHECK(lex_error("x = 1 ; y") == "t.scn:1:7: error: unexpected ';': put each statement on its own line");
  CHECK(lex_error("if a && b") == "t.scn:1:6: error: unexpected '&&': write 'and'");
  CHECK(lex_error("if a || b") == "t.scn:1:6: error: unexpected '||': write 'or'");
  CHECK(lex_error("if !a") == "t.scn:1:4: error: unexpected '!': write 'not' for negation");
  CHECK(lex_error("x++") == "t.scn:1:2: error: there is no '++' operator: write 'x = x + 1' or 'x += 1'");
  CHECK(lex_error("x = 1.5") == "t.scn:1:5: error: '1.5' is not a whole number: scenarios count in integers");
  CHECK(lex_error("x = 12abc") == "t.scn:1:5: error: invalid number '12abc' (a duration's unit is one of ns, us, ms, s, min, h)");
  CHECK(lex_error("x = 9223372036854775808") == "t.scn:1:5: error: number too large: '9223372036854775808' (the largest is 9223372036854775807)");
  CHECK(lex_error("print \"\\q\"") == "t.scn:1:8: error: unknown escape '\\q' in a string (known: \\n \\t \\\\ \\\" \\')");
  CHECK(lex_error("x = {") == "t.scn:1:5: error: unexpected '{': blocks are made by ':' and indentation, not braces");
  CHECK(lex_error("x = \xff") == "t.scn:1:5: error: unexpected byte '\\xff' (not a character: is this a text file in UTF-8?)");
  CHECK(lex_error("x = \x01") == "t.scn:1:5: error: unexpected character '\\x01'");
  CHECK(lex_error("x = \xe2\x82\xac") == "t.scn:1:5: error: unexpected character '€'");
}

TEST_CASE("the lexer ends on every input") {
  // Every byte value in every position of a short line: each either lexes or gives one error.
  for (int b = 0; b < 256; ++b) {
    for (const char* shape : {"%x", "x%", "  %\n", "\"%", "1%", "#%\n%"}) {
      std::string text = shape;
      for (char& c : text) {
        if (c == '%') c = static_cast<char>(b);
      }
      lang::Source source("t.scn", text);
      try {
        const lang::Lexed lexed = lang::lex(source);
        CHECK(lexed.tokens.back().kind == Tok::End);
      } catch (const lang::Error& e) {
        CHECK(e.diagnostic().pos.line >= 1);
      }
    }
  }
}
