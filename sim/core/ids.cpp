// Locations: comparison and printing.
#include <atomic>
#include <cstring>
#include <string_view>

#include "sim/core/ids.hpp"

namespace sim {

bool Location::operator==(const Location& o) const {
  return line == o.line && (file == o.file || std::strcmp(file, o.file) == 0);
}

std::string to_string(Location where) {
  std::string_view file = where.file;
  while (true) {
    if (file.starts_with("./")) {
      file.remove_prefix(2);
    } else if (file.starts_with("../")) {
      file.remove_prefix(3);
    } else {
      break;
    }
  }
  if (file.empty()) return "?";
  return std::string(file) + ":" + std::to_string(where.line);
}

namespace {
std::atomic<const char* (*)(Location)> g_function_lookup{nullptr};
}  // namespace

void set_function_lookup(const char* (*lookup)(Location where)) { g_function_lookup.store(lookup); }

std::string describe(Location where) {
  std::string out = to_string(where);
  if (auto lookup = g_function_lookup.load(std::memory_order_relaxed)) {
    if (const char* function = lookup(where); function != nullptr && *function != '\0') {
      out += " (in ";
      out += function;
      out += ")";
    }
  }
  return out;
}

}  // namespace sim
