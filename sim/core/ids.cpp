// Locations: comparison and printing.
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

}  // namespace sim
