// Source: a scenario file's text, its lines, and the interned path every report points at.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "lang/diagnostics.hpp"

namespace lang {

// A path kept for the life of the process: sim::Location holds a bare `const char*` that must
// outlive every report, and reports can outlive the scenario they came from.
const char* intern_path(std::string_view path);

class Source {
 public:
  Source(std::string_view path, std::string text);

  const char* path() const { return path_; }
  const std::string& text() const { return text_; }
  // Line `n` (1-based) without its line break; empty if there is no such line.
  std::string_view line(std::uint32_t n) const;
  // The column (in characters) of byte `offset` on its line.
  std::uint32_t column(std::size_t line_start, std::size_t offset) const;

  // A diagnostic at `pos` underlining `width` characters.
  Diagnostic diagnostic(Pos pos, std::string message, std::uint32_t width = 1) const;
  [[noreturn]] void fail(Pos pos, std::string message, std::uint32_t width = 1) const;

 private:
  const char* path_;
  std::string text_;
  std::vector<std::size_t> line_starts_;
};

}  // namespace lang
