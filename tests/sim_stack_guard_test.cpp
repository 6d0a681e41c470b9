// Tests that a task overflowing its stack is reported by name, size and remedy, not a bare SIGSEGV.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "sim/random_strategy.hpp"
#include "sim/runner.hpp"
#include "sim/sim.hpp"

namespace {

int deep(int n) {
  volatile char pad[512];
  pad[0] = static_cast<char>(n);
  return n == 0 ? 0 : deep(n - 1) + pad[0];
}

void recurse_forever() {
  sim::Shared<int> x{0, "x"};
  sim::Thread t([&] { x.store(deep(1 << 30)); }, "recurser");
  t.join();
}

struct ChildResult {
  int exit_code = -1;
  bool signalled = false;
  std::string err;
};

// Runs `body` in a child process and collects its exit and what it wrote to stderr.
ChildResult in_child(void (*body)()) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::dup2(fds[1], STDERR_FILENO);
    ::close(fds[0]);
    sim::Runner runner(sim::RunOptions{.iterations = 5, .limits = {.stack_size = 64 * 1024}});
    sim::RandomStrategy strategy(1);
    runner.run(body, strategy);
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

}  // namespace

TEST_CASE("endless recursion in a task is reported with the task's name and how to raise the stack") {
  const ChildResult r = in_child(recurse_forever);
  CHECK_FALSE(r.signalled);
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("task recurser overflowed its stack (64 KiB)") != std::string::npos);
  CHECK(r.err.find("ExecutionLimits::stack_size") != std::string::npos);
  CHECK(r.err.find("replay token of the schedule so far: v1.") != std::string::npos);
}

TEST_CASE("a fault that is not a stack overflow keeps its default action") {
  const ChildResult r = in_child([] {
    volatile int* null = nullptr;
    *null = 1;
  });
  // Killed by the signal, or (under AddressSanitizer, which reports the fault itself) a failure exit.
  CHECK((r.signalled || (r.exit_code != 0 && r.exit_code != 3)));
  CHECK(r.err.find("overflowed") == std::string::npos);
}
