// Test helper: runs a function in a child process (for reports that end the process, or may hang it) and collects its exit and stderr.
#pragma once

#include <doctest/doctest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <functional>
#include <string>

struct ChildResult {
  int exit_code = -1;
  bool signalled = false;
  int signal = 0;
  bool hung = false;  // still running after the time it was given: killed
  std::string err;
};

// The child's stderr is collected; after `seconds` it is killed and counted as hung.
inline ChildResult in_child(const std::function<void()>& child, double seconds = 60) {
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
  timespec start{};
  ::clock_gettime(CLOCK_MONOTONIC, &start);
  auto elapsed = [&] {
    timespec now{};
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    return static_cast<double>(now.tv_sec - start.tv_sec) + static_cast<double>(now.tv_nsec - start.tv_nsec) / 1e9;
  };
  char buf[512];
  for (;;) {
    const double left = seconds - elapsed();
    if (left <= 0) {
      result.hung = true;
      ::kill(pid, SIGKILL);
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left * 1000) + 1) <= 0) continue;  // time to look again, or EINTR
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n <= 0) break;
    result.err.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  result.signalled = WIFSIGNALED(status) && !result.hung;
  if (result.signalled) result.signal = WTERMSIG(status);
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  return result;
}
