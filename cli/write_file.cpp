// Files the command writes: to a temporary name beside the target, then renamed over it, so a
// crash or Ctrl-C never leaves a half-written file (the old one stays until the new one is whole).
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "cli/cli.hpp"

namespace cli {

std::string write_file(const std::string& path, const std::string& text) {
  const std::string temporary = path + ".tmp." + std::to_string(::getpid());
  std::FILE* f = std::fopen(temporary.c_str(), "wb");
  if (f == nullptr) return "cannot write " + temporary + ": " + std::strerror(errno);
  const bool written = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  const int saved = errno;
  // fsync before the rename: after a power cut the name points at the whole new file or the old one.
  const bool synced = std::fflush(f) == 0 && ::fsync(::fileno(f)) == 0;
  const bool closed = std::fclose(f) == 0;
  if (!written || !synced || !closed) {
    std::remove(temporary.c_str());
    return "cannot write " + path + ": " + std::strerror(written ? errno : saved);
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    const std::string error = "cannot rename " + temporary + " to " + path + ": " + std::strerror(errno);
    std::remove(temporary.c_str());
    return error;
  }
  return {};
}

}  // namespace cli
