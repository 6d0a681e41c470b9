// Lexer: one pass over the bytes; indentation is measured at the start of each logical line.
#include "lang/lexer.hpp"

#include <cstdint>
#include <limits>

namespace lang {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }
bool continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Nanoseconds per unit of a duration suffix; 0 if `unit` is not one.
std::int64_t unit_ns(std::string_view unit) {
  if (unit == "ns") return 1;
  if (unit == "us") return 1000;
  if (unit == "ms") return 1000 * 1000;
  if (unit == "s") return 1000 * 1000 * 1000;
  if (unit == "min") return std::int64_t{60} * 1000 * 1000 * 1000;
  if (unit == "h") return std::int64_t{3600} * 1000 * 1000 * 1000;
  return 0;
}

class Lexer {
 public:
  Lexer(const Source& source, std::uint32_t max_nesting) : src_(source), text_(source.text()), max_nesting_(max_nesting) {}

  Lexed run() {
    bool line_begin = true;
    while (true) {
      if (line_begin && depth_ == 0) {
        if (!indentation()) break;
        line_begin = false;
      }
      if (at_ >= text_.size()) break;
      const char c = text_[at_];
      if (c == '\n') {
        if (depth_ == 0) {
          newline_token(at_);
          line_begin = true;
        }
        next_line();
      } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f') {
        ++at_;
      } else if (c == '#') {
        skip_comment();
      } else if (c == '\\' && at_ + 1 < text_.size() && text_[at_ + 1] == '\n') {
        at_ += 1;
        next_line();  // an explicit line continuation: the logical line goes on
      } else if (is_digit(c)) {
        number();
      } else if (is_alpha(c)) {
        name();
      } else if (c == '"' || c == '\'') {
        string(c);
      } else {
        punctuation(c);
      }
    }
    // Inside open brackets the text ends mid-expression: let the parser meet end of file.
    if (depth_ == 0) newline_token(text_.size());
    while (depth_ == 0 && indents_.size() > 1) {
      indents_.pop_back();
      add(Tok::Dedent, text_.size(), 0);
    }
    add(Tok::End, text_.size(), 0);
    return std::move(out_);
  }

 private:
  Pos pos_at(std::size_t offset) {
    if (offset < col_offset_ || col_offset_ < line_start_) {
      col_offset_ = line_start_;
      col_ = 1;
    }
    for (; col_offset_ < offset && col_offset_ < text_.size(); ++col_offset_) {
      if (!continuation(text_[col_offset_])) ++col_;
    }
    return Pos{line_, col_};
  }
  [[noreturn]] void fail(std::size_t offset, std::string message, std::uint32_t width = 1) {
    src_.fail(pos_at(offset), std::move(message), width);
  }
  Token& add(Tok kind, std::size_t start, std::size_t length, std::int64_t value = 0) {
    Token t;
    t.kind = kind;
    // What comes at the very end is shown at the end of the last line, not on the empty line after it.
    t.pos = start >= text_.size() && line_start_ == text_.size() && line_ > 1 ? last_line_end_ : pos_at(start);
    t.text = text_.substr(std::min(start, text_.size()), length);
    t.width = 0;
    for (char c : t.text) t.width += continuation(c) ? 0 : 1;
    if (t.width == 0) t.width = 1;
    t.value = value;
    out_.tokens.push_back(t);
    return out_.tokens.back();
  }
  void newline_token(std::size_t offset) {
    if (!out_.tokens.empty() && out_.tokens.back().kind != Tok::Newline && out_.tokens.back().kind != Tok::Dedent &&
        out_.tokens.back().kind != Tok::Indent) {
      add(Tok::Newline, offset, 0);
    }
  }
  void next_line() {
    last_line_end_ = pos_at(at_);
    ++at_;
    ++line_;
    line_start_ = at_;
  }
  void skip_comment() {
    while (at_ < text_.size() && text_[at_] != '\n') ++at_;
  }

  // At the start of a logical line: skip blank and comment lines, then open or close blocks.
  // Returns false at the end of the text.
  bool indentation() {
    while (true) {
      std::size_t width = 0;
      while (at_ < text_.size() && (text_[at_] == ' ' || text_[at_] == '\t')) {
        if (text_[at_] == '\t') fail(at_, "a tab in indentation: indent with spaces only");
        ++width;
        ++at_;
      }
      if (at_ >= text_.size()) return false;
      const char c = text_[at_];
      if (c == '#') skip_comment();
      if (at_ < text_.size() && text_[at_] == '\r') ++at_;
      if (at_ >= text_.size()) return false;
      if (text_[at_] == '\n') {
        next_line();
        continue;
      }
      if (text_[at_] == '\r' || text_[at_] == '\f') {
        ++at_;
        continue;
      }
      if (width > indents_.back()) {
        if (indents_.size() > max_nesting_) {
          fail(at_, "blocks nested too deeply (more than " + std::to_string(max_nesting_) + " levels; the limit is --max-nesting)");
        }
        indents_.push_back(width);
        add(Tok::Indent, at_, 0);
      } else {
        while (width < indents_.back()) {
          indents_.pop_back();
          add(Tok::Dedent, at_, 0);
        }
        if (width != indents_.back()) fail(at_, "indentation does not match any outer block");
      }
      return true;
    }
  }

  void number() {
    const std::size_t start = at_;
    std::uint64_t value = 0;
    bool overflow = false;
    while (at_ < text_.size() && (is_digit(text_[at_]) || text_[at_] == '_')) {
      if (text_[at_] != '_') {
        const auto digit = static_cast<std::uint64_t>(text_[at_] - '0');
        if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) overflow = true;
        value = value * 10 + digit;
      }
      ++at_;
    }
    if (at_ + 1 < text_.size() && text_[at_] == '.' && is_digit(text_[at_ + 1])) {
      std::size_t end = at_ + 1;
      while (end < text_.size() && is_digit(text_[end])) ++end;
      fail(start, "'" + std::string(text_.substr(start, end - start)) + "' is not a whole number: scenarios count in integers",
           static_cast<std::uint32_t>(end - start));
    }
    const std::size_t digits_end = at_;
    while (at_ < text_.size() && is_alnum(text_[at_])) ++at_;
    const auto width = static_cast<std::uint32_t>(at_ - start);
    if (overflow || value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      fail(start, "number too large: '" + std::string(text_.substr(start, at_ - start)) +
                      "' (the largest is 9223372036854775807)", width);
    }
    if (digits_end == at_) {
      add(Tok::Int, start, at_ - start, static_cast<std::int64_t>(value));
      return;
    }
    const std::int64_t unit = unit_ns(text_.substr(digits_end, at_ - digits_end));
    if (unit == 0) {
      fail(start, "invalid number '" + std::string(text_.substr(start, at_ - start)) +
                      "' (a duration's unit is one of ns, us, ms, s, min, h)", width);
    }
    if (static_cast<std::int64_t>(value) > std::numeric_limits<std::int64_t>::max() / unit) {
      fail(start, "duration too long: '" + std::string(text_.substr(start, at_ - start)) + "'", width);
    }
    add(Tok::Duration, start, at_ - start, static_cast<std::int64_t>(value) * unit);
  }

  void name() {
    const std::size_t start = at_;
    while (at_ < text_.size() && is_alnum(text_[at_])) ++at_;
    const std::string_view word = text_.substr(start, at_ - start);
    add(keyword(word), start, word.size());
  }

  void string(char quote_char) {
    const std::size_t start = at_++;
    std::string value;
    while (true) {
      if (at_ >= text_.size() || text_[at_] == '\n') fail(start, "unterminated string: it needs a closing " + std::string(1, quote_char) + " on the same line");
      const char c = text_[at_++];
      if (c == quote_char) break;
      if (c != '\\') {
        value += c;
        continue;
      }
      const char e = at_ < text_.size() ? text_[at_] : '\n';
      switch (e) {
        case 'n': value += '\n'; break;
        case 't': value += '\t'; break;
        case '\\': value += '\\'; break;
        case '"': value += '"'; break;
        case '\'': value += '\''; break;
        default:
          fail(at_ - 1, "unknown escape " + quote(std::string("\\") + (e == '\n' ? ' ' : e)) +
                            " in a string (known: \\n \\t \\\\ \\\" \\')", 2);
      }
      ++at_;
    }
    add(Tok::String, start, at_ - start, static_cast<std::int64_t>(out_.strings.size()));
    out_.strings.push_back(std::move(value));
  }

  void punctuation(char c);

  const Source& src_;
  std::string_view text_;
  std::uint32_t max_nesting_;
  std::size_t at_ = 0;
  std::uint32_t line_ = 1;
  std::size_t line_start_ = 0;
  std::size_t col_offset_ = 0;  // pos_at() walks forward from here on the current line
  std::uint32_t col_ = 1;
  Pos last_line_end_;
  std::vector<std::size_t> indents_{0};
  int depth_ = 0;  // open brackets: line breaks inside them do not end a statement
  Lexed out_;
};

void Lexer::punctuation(char c) {
  const std::size_t start = at_;
  const char n = at_ + 1 < text_.size() ? text_[at_ + 1] : '\0';
  auto one = [&](Tok kind) {
    add(kind, start, 1);
    at_ += 1;
  };
  auto two = [&](Tok kind) {
    add(kind, start, 2);
    at_ += 2;
  };
  switch (c) {
    case '(': ++depth_; return one(Tok::LParen);
    case '[': ++depth_; return one(Tok::LBracket);
    case ')': depth_ = depth_ > 0 ? depth_ - 1 : 0; return one(Tok::RParen);
    case ']': depth_ = depth_ > 0 ? depth_ - 1 : 0; return one(Tok::RBracket);
    case ',': return one(Tok::Comma);
    case ':': return one(Tok::Colon);
    case '.': return n == '.' ? two(Tok::DotDot) : one(Tok::Dot);
    case '+':
      if (n == '+') fail(start, "there is no '++' operator: write 'x = x + 1' or 'x += 1'", 2);
      return n == '=' ? two(Tok::PlusAssign) : one(Tok::Plus);
    case '-': return n == '=' ? two(Tok::MinusAssign) : one(Tok::Minus);
    case '*': return one(Tok::Star);
    case '/': return one(Tok::Slash);
    case '%': return one(Tok::Percent);
    case '=': return n == '=' ? two(Tok::Eq) : one(Tok::Assign);
    case '<': return n == '=' ? two(Tok::Le) : one(Tok::Lt);
    case '>': return n == '=' ? two(Tok::Ge) : one(Tok::Gt);
    case '!':
      if (n == '=') return two(Tok::Ne);
      fail(start, "unexpected '!': write 'not' for negation");
    case '&': fail(start, n == '&' ? "unexpected '&&': write 'and'" : "unexpected character '&'", n == '&' ? 2 : 1);
    case '|': fail(start, n == '|' ? "unexpected '||': write 'or'" : "unexpected character '|'", n == '|' ? 2 : 1);
    case '{':
    case '}': fail(start, "unexpected " + quote(std::string(1, c)) + ": blocks are made by ':' and indentation, not braces");
    case ';': fail(start, "unexpected ';': put each statement on its own line");
    default: break;
  }
  // Name a multi-byte character whole, so the message shows it as written; bytes that are not
  // UTF-8 are shown in hex.
  const auto lead = static_cast<unsigned char>(c);
  std::size_t length = 1;
  if (lead >= 0xC2 && lead < 0xE0) length = 2;
  if (lead >= 0xE0 && lead < 0xF0) length = 3;
  if (lead >= 0xF0 && lead < 0xF5) length = 4;
  bool valid = lead < 0x80 || (length > 1 && at_ + length <= text_.size());
  for (std::size_t i = 1; valid && i < length; ++i) valid = continuation(text_[at_ + i]);
  if (!valid) {
    static const char hex[] = "0123456789abcdef";
    fail(start, std::string("unexpected byte '\\x") + hex[lead >> 4] + hex[lead & 15] + "' (not a character: is this a text file in UTF-8?)");
  }
  fail(start, "unexpected character " + quote(text_.substr(at_, length)));
}

}  // namespace

Lexed lex(const Source& source, std::uint32_t max_nesting) { return Lexer(source, max_nesting).run(); }

}  // namespace lang
