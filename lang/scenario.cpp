// Scenario loader: reading files, turning lang::Error into a diagnostic, per-thread interpreters.
#include "lang/scenario.hpp"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>
#include <filesystem>

#include "lang/checker.hpp"
#include "lang/lexer.hpp"
#include "lang/parser.hpp"

namespace lang {

namespace {

Loaded refuse(std::string_view path, std::string message) {
  Loaded out;
  out.error = Diagnostic{std::string(path), Pos{}, 1, std::move(message), {}};
  return out;
}

}  // namespace

Loaded load_text(std::string_view path, std::string text) {
  auto source = std::make_unique<Source>(path, std::move(text));
  try {
    Lexed lexed = lex(*source);
    Module module = parse(*source, std::move(lexed));
    Loaded out;
    out.program = check(std::move(source), std::move(module));
    return out;
  } catch (const Error& e) {
    Loaded out;
    out.error = e.diagnostic();
    return out;
  }
}

Loaded load_file(std::string_view path) {
  std::error_code ec;
  const std::filesystem::path p(path);
  if (!std::filesystem::exists(p, ec)) return refuse(path, "no such file");
  if (std::filesystem::is_directory(p, ec)) return refuse(path, "is a directory, not a scenario file");
  const auto size = std::filesystem::file_size(p, ec);
  if (!ec && size > max_file_size) return refuse(path, "too big for a scenario file (more than 16 MiB)");
  std::ifstream in{p, std::ios::binary};
  if (!in) return refuse(path, std::string("cannot read the file: ") + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return refuse(path, "cannot read the file");
  return load_text(path, std::move(text).str());
}

std::function<void()> make_body(std::shared_ptr<const Program> program, InterpreterOptions options) {
  static std::atomic<std::uint64_t> next_serial{1};
  const std::uint64_t serial = next_serial.fetch_add(1, std::memory_order_relaxed);
  return [program = std::move(program), options, serial] {
    // One interpreter per OS thread and body: state is reused execution after execution, and
    // parallel jobs never share it.
    thread_local std::uint64_t cached_serial = 0;
    thread_local std::unique_ptr<Interpreter> cached;
    if (cached_serial != serial) {
      cached = std::make_unique<Interpreter>(*program, options);
      cached_serial = serial;
    }
    cached->run();
  };
}

}  // namespace lang
