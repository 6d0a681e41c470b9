// Diagnostics: the `file:line:col: error: ...` messages for bad scenario files, with did-you-mean.
#pragma once

#include <cstdint>
#include <exception>
#include <span>
#include <string>
#include <string_view>

namespace lang {

// A place in a scenario file: 1-based line and column (columns count characters, not bytes).
struct Pos {
  std::uint32_t line = 0;
  std::uint32_t col = 0;
};

// One error in a scenario file, with the source line it points into.
struct Diagnostic {
  std::string file;
  Pos pos;
  std::uint32_t width = 1;  // characters to underline from pos.col
  std::string message;
  std::string source_line;  // the text of line pos.line, without its newline; may be empty

  // The first line alone: "file:line:col: error: message".
  std::string headline() const;
  // The headline, the source line and a caret under the offending text; `color` adds ANSI colours.
  std::string render(bool color = false) const;
};

// How the lexer, parser and checker stop at the first error; caught only by the loader.
class Error : public std::exception {
 public:
  explicit Error(Diagnostic d) : diagnostic_(std::move(d)) {}
  const char* what() const noexcept override { return diagnostic_.message.c_str(); }
  const Diagnostic& diagnostic() const { return diagnostic_; }

 private:
  Diagnostic diagnostic_;
};

// The candidate closest to `name` by edit distance, if it is close enough to be a likely typo
// (or differs only in case); empty otherwise.
std::string closest(std::string_view name, std::span<const std::string_view> candidates);
// " (did you mean 'x'?)" for the closest candidate, or "".
std::string did_you_mean(std::string_view name, std::span<const std::string_view> candidates);

// How a token or character is named in a message: 'while', end of line, end of file, '\x01'.
std::string quote(std::string_view text);

}  // namespace lang
