// Files the command writes. A regular file (or a new one) is written to a temporary name beside
// it, then renamed over it, so a crash or Ctrl-C never leaves it half-written (the old one stays
// until the new one is whole). A symbolic link is followed first: the file it names is replaced,
// the link stays. Anything else (/dev/null, /dev/stdout, a pipe) is written in place: renaming
// over a device node would replace the system's.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "cli/cli.hpp"

namespace cli {

namespace {

std::string failed(const std::string& what, const std::string& path) { return what + " " + path + ": " + std::strerror(errno); }

bool write_all(int fd, const std::string& text) {
  const char* p = text.data();
  std::size_t left = text.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  return true;
}

// `flags` adds O_CREAT | O_TRUNC for a link to a file that is not there yet.
std::string write_in_place(const std::string& path, const std::string& text, int flags = 0) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | flags, 0666);
  if (fd < 0) return failed("cannot open", path);
  if (!write_all(fd, text)) {
    const std::string error = failed("cannot write", path);
    ::close(fd);
    return error;
  }
  if (::close(fd) != 0) return failed("cannot write", path);
  return {};
}

std::string write_and_rename(const std::string& path, const std::string& text) {
  const std::string temporary = path + ".tmp." + std::to_string(::getpid());
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) return failed("cannot write", temporary);
  // fsync before the rename: after a power cut the name points at the whole new file or the old one.
  std::string error;
  if (!write_all(fd, text) || ::fsync(fd) != 0) error = failed("cannot write", path);
  if (::close(fd) != 0 && error.empty()) error = failed("cannot write", path);
  if (!error.empty()) {
    ::unlink(temporary.c_str());
    return error;
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    const std::string error = "cannot rename " + temporary + " to " + path + ": " + std::strerror(errno);
    ::unlink(temporary.c_str());
    return error;
  }
  return {};
}

}  // namespace

std::string write_file(const std::string& path, const std::string& text) {
  struct stat link{};
  if (::lstat(path.c_str(), &link) != 0) {
    if (errno != ENOENT) return failed("cannot write", path);
    return write_and_rename(path, text);  // a new file
  }
  std::string target = path;
  if (S_ISLNK(link.st_mode)) {
    // The file the link names, which may not exist yet (a dangling link is written through).
    std::unique_ptr<char, void (*)(void*)> resolved(::realpath(path.c_str(), nullptr), std::free);
    if (resolved) {
      target = resolved.get();
    } else if (errno != ENOENT) {
      return failed("cannot follow the link", path);
    } else {
      return write_in_place(path, text, O_CREAT | O_TRUNC);
    }
  }
  struct stat st{};
  if (::stat(target.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) return write_in_place(target, text);
  return write_and_rename(target, text);
}

}  // namespace cli
