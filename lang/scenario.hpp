// Scenario loader: file → lexer → parser → checker → Program, and the body that runs it.
//
//   lang::Loaded s = lang::load_file("scenarios/bank_race.scn");
//   if (!s.ok()) { std::cerr << s.error->render(); return 2; }
//   sim::Report r = sim::check_random(lang::make_body(s.program), {.iterations = 1000});
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "lang/diagnostics.hpp"
#include "lang/interpreter.hpp"
#include "lang/limits.hpp"
#include "lang/program.hpp"

namespace lang {

struct Loaded {
  std::shared_ptr<const Program> program;  // null when there is an error
  std::optional<Diagnostic> error;
  bool ok() const { return program != nullptr; }
};

// Reads and checks a scenario file. Never throws for bad input: the first mistake comes back
// as a diagnostic (an unreadable or too big file has one without a line).
Loaded load_file(std::string_view path, LoadLimits limits = {});
// The same for text in memory; `path` is what diagnostics and reports call it.
Loaded load_text(std::string_view path, std::string text, LoadLimits limits = {});

// The body that runs one execution of `program`. It may be called on several OS threads at
// once (parallel exploration): each thread keeps its own interpreter and reuses it.
std::function<void()> make_body(std::shared_ptr<const Program> program, InterpreterOptions options = {});

}  // namespace lang
