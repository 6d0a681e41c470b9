// Tests that a task overflowing its stack is reported by name, size and remedy, not a bare SIGSEGV.
#include <doctest/doctest.h>

#include <string>

#include "child_process.hpp"
#include "sim/explore/random_strategy.hpp"
#include "sim/core/runner.hpp"
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

// Runs `body` under a runner with small stacks in a child process.
ChildResult in_runner(void (*body)()) {
  return in_child([body] {
    sim::Runner runner(sim::RunOptions{.iterations = 5, .limits = {.stack_size = 64 * 1024}});
    sim::RandomStrategy strategy(1);
    runner.run(body, strategy);
  });
}

}  // namespace

TEST_CASE("endless recursion in a task is reported with the task's name and how to raise the stack") {
  const ChildResult r = in_runner(recurse_forever);
  CHECK_FALSE(r.signalled);
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("task recurser overflowed its stack (64 KiB)") != std::string::npos);
  CHECK(r.err.find("ExecutionLimits::stack_size") != std::string::npos);
  CHECK(r.err.find("replay token of the schedule so far: v1.") != std::string::npos);
}

TEST_CASE("a fault that is not a stack overflow keeps its default action") {
  const ChildResult r = in_runner([] {
    volatile int* null = nullptr;
    *null = 1;
  });
  // Killed by the signal, or (under AddressSanitizer, which reports the fault itself) a failure exit.
  CHECK((r.signalled || (r.exit_code != 0 && r.exit_code != 3)));
  CHECK(r.err.find("overflowed") == std::string::npos);
}
