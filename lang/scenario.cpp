// Scenario loader: reading files, turning lang::Error into a diagnostic, per-thread interpreters on the simulation.
#include "lang/scenario.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>

#include <sys/stat.h>

#include "lang/checker.hpp"
#include "lang/lexer.hpp"
#include "lang/parser.hpp"
#include "lang/sim/sim_backend.hpp"

namespace lang {

namespace {

// FNV-1a over each token's kind and text: what the scenario says, not where it says it.
std::uint64_t fingerprint_of(const Lexed& lexed) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  auto add = [&h](unsigned char b) { h = (h ^ b) * 0x100000001b3ull; };
  for (const Token& t : lexed.tokens) {
    add(static_cast<unsigned char>(t.kind));
    for (char c : t.text) add(static_cast<unsigned char>(c));
    add(0);
  }
  for (const std::string& s : lexed.strings) {
    for (char c : s) add(static_cast<unsigned char>(c));
    add(0);
  }
  return h;
}

// "output" or "error" when `path` is the file this process writes its standard output or
// error to (`--json /dev/stdout`: /dev/stdout read as a scenario), else null.
const char* own_output(std::string_view path) {
  struct stat named {};
  if (::stat(std::string(path).c_str(), &named) != 0) return nullptr;
  const char* const names[] = {"output", "error"};
  for (int fd : {1, 2}) {
    struct stat written {};
    if (::fstat(fd, &written) == 0 && written.st_dev == named.st_dev && written.st_ino == named.st_ino) return names[fd - 1];
  }
  return nullptr;
}

Loaded refuse(std::string_view path, std::string message) {
  Loaded out;
  out.error = Diagnostic{std::string(path), Pos{}, 1, std::move(message), {}};
  return out;
}

Loaded too_big(std::string_view path, std::size_t size, const LoadLimits& limits) {
  return refuse(path, "too big for a scenario file (" + describe_size(size) + ", more than " + describe_size(limits.max_file_size) +
                          "; the limit is --max-file-size)");
}

}  // namespace

std::string describe_size(std::size_t bytes) {
  constexpr std::size_t kib = 1024;
  constexpr std::size_t mib = kib * kib;
  if (bytes >= mib && bytes % mib == 0) return std::to_string(bytes / mib) + " MiB";
  if (bytes >= kib && bytes % kib == 0) return std::to_string(bytes / kib) + " KiB";
  return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
}

Loaded load_text(std::string_view path, std::string text, LoadLimits limits) {
  if (text.size() > limits.max_file_size) return too_big(path, text.size(), limits);
  auto source = std::make_unique<Source>(path, std::move(text));
  try {
    Lexed lexed = lex(*source, limits.max_nesting);
    const std::uint64_t fingerprint = fingerprint_of(lexed);
    Module module = parse(*source, std::move(lexed), limits.max_nesting);
    std::unique_ptr<Program> program = check(std::move(source), std::move(module), limits.max_threads, limits.max_elements);
    program->fingerprint = fingerprint;
    Loaded out;
    out.program = std::move(program);
    return out;
  } catch (const Error& e) {
    Loaded out;
    out.error = e.diagnostic();
    return out;
  }
}

Loaded load_file(std::string_view path, LoadLimits limits) {
  std::error_code ec;
  const std::filesystem::path p(path);
  if (!std::filesystem::exists(p, ec)) return refuse(path, "no such file");
  if (std::filesystem::is_directory(p, ec)) return refuse(path, "is a directory, not a scenario file");
  if (const char* own = own_output(path)) {
    // Reading a pipe this process writes to would wait for itself forever.
    return refuse(path, std::string("is this program's own standard ") + own + ", not a scenario file (--json and --quiet take no file name; -o FILE writes the report to a file)");
  }
  const auto size = std::filesystem::file_size(p, ec);
  if (!ec && size > limits.max_file_size) return too_big(path, static_cast<std::size_t>(size), limits);
  std::ifstream in{p, std::ios::binary};
  if (!in) return refuse(path, std::string("cannot read the file: ") + std::strerror(errno));
  // A pipe or a device has no size to check first (/dev/zero never ends): read one byte past
  // the limit at most, in pieces.
  std::string text;
  char piece[64 * 1024];
  while (in && text.size() <= limits.max_file_size) {
    in.read(piece, static_cast<std::streamsize>(std::min(sizeof piece, limits.max_file_size + 1 - text.size())));
    text.append(piece, static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) return refuse(path, "cannot read the file");
  if (text.size() > limits.max_file_size) {
    return refuse(path, "too big for a scenario file (more than " + describe_size(limits.max_file_size) +
                            " read from it; the limit is --max-file-size)");
  }
  return load_text(path, std::move(text), limits);
}

std::function<void()> make_body(std::shared_ptr<const Program> program, InterpreterOptions options) {
  static std::atomic<std::uint64_t> next_serial{1};
  const std::uint64_t serial = next_serial.fetch_add(1, std::memory_order_relaxed);
  return [program = std::move(program), options, serial] {
    // One interpreter per OS thread and body: state is reused execution after execution, and
    // parallel jobs never share it.
    struct Simulated {
      Simulated(const Program& p, const InterpreterOptions& o) : backend(p), interpreter(p, o, backend.backend()) {}
      SimBackend backend;
      Interpreter interpreter;
    };
    thread_local std::uint64_t cached_serial = 0;
    thread_local std::unique_ptr<Simulated> cached;
    if (cached_serial != serial) {
      cached = std::make_unique<Simulated>(*program, options);
      cached_serial = serial;
    }
    cached->backend.run(cached->interpreter);
  };
}

}  // namespace lang
