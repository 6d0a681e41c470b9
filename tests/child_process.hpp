// Test helper: runs a function in a child process (for reports that end the process) and collects its exit and stderr.
#pragma once

#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <functional>
#include <string>

struct ChildResult {
  int exit_code = -1;
  bool signalled = false;
  std::string err;
};

inline ChildResult in_child(const std::function<void()>& child) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::dup2(fds[1], STDERR_FILENO);
    ::close(fds[0]);
    child();
    ::_exit(0);
  }
  ::close(fds[1]);
  ChildResult result;
  char buf[512];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) result.err.append(buf, static_cast<std::size_t>(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  result.signalled = WIFSIGNALED(status);
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  return result;
}
