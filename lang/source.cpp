// Source: line lookup, columns, and the never-freed store of interned paths.
#include "lang/source.hpp"

#include <memory>
#include <mutex>
#include <set>

namespace lang {

const char* intern_path(std::string_view path) {
  // Deliberately leaked: Locations pointing into it may be read at exit by any thread.
  static auto* store = new std::set<std::string, std::less<>>();
  static auto* guard = new std::mutex();
  std::lock_guard lock(*guard);
  auto it = store->find(path);
  if (it == store->end()) it = store->emplace(path).first;
  return it->c_str();
}

Source::Source(std::string_view path, std::string text) : path_(intern_path(path)), text_(std::move(text)) {
  line_starts_.push_back(0);
  for (std::size_t i = 0; i < text_.size(); ++i) {
    if (text_[i] == '\n') line_starts_.push_back(i + 1);
  }
}

std::string_view Source::line(std::uint32_t n) const {
  if (n == 0 || n > line_starts_.size()) return {};
  const std::size_t start = line_starts_[n - 1];
  std::size_t end = n < line_starts_.size() ? line_starts_[n] - 1 : text_.size();
  if (end > start && text_[end - 1] == '\r') --end;
  return std::string_view(text_).substr(start, end - start);
}

std::uint32_t Source::column(std::size_t line_start, std::size_t offset) const {
  std::uint32_t col = 1;
  for (std::size_t i = line_start; i < offset && i < text_.size(); ++i) {
    if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) ++col;
  }
  return col;
}

Diagnostic Source::diagnostic(Pos pos, std::string message, std::uint32_t width) const {
  return Diagnostic{path_, pos, width == 0 ? 1 : width, std::move(message), std::string(line(pos.line))};
}

void Source::fail(Pos pos, std::string message, std::uint32_t width) const {
  throw Error(diagnostic(pos, std::move(message), width));
}

}  // namespace lang
