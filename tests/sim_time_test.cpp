// Tests virtual time: sleeps cost nothing, strict timing honours durations, loose timing
// explores slow sleepers and says so, and condition waits time out.
#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "sim/explore/random_strategy.hpp"
#include "sim/explore/runner.hpp"
#include "sim/sim.hpp"

using namespace std::chrono_literals;
using Timing = sim::ExecutionLimits::Timing;

namespace {

sim::Report explore(void (*body)(), Timing timing, std::uint64_t iterations = 500) {
  sim::Runner runner(sim::RunOptions{.iterations = iterations, .limits = {.timing = timing}});
  sim::RandomStrategy strategy(1);
  return runner.run(body, strategy);
}

// a sleeps before writing, b writes at once: on a quiet machine a's write comes last.
void sleeper_writes_last() {
  sim::Shared<int> x{0, "x"};
  sim::Thread a([&] { sim::sleep_for(100ms); x.store(1); }, "a");
  sim::Thread b([&] { x.store(2); }, "b");
  a.join();
  b.join();
  sim::check(x.load() == 1, "the sleeper's write did not come last");
}

void two_long_sleeps() {
  sim::Thread a([] { sim::sleep_for(1h); }, "a");
  sim::Thread b([] { sim::sleep_for(2h); }, "b");
  a.join();
  b.join();
  sim::check(sim::now() == 2h, "the clock did not stop at the longest sleep");
}

template <int setter_ms>
void wait_with_timeout() {
  sim::Mutex m{"m"};
  sim::CondVar cv{"cv"};
  sim::Shared<int> ready{0, "ready"};
  sim::Thread waiter(
      [&] {
        sim::UniqueLock lock(m);
        const bool ok = cv.wait_for(lock, 1s, [&] { return ready.load() == 1; });
        sim::check(ok, "the wait timed out");
      },
      "waiter");
  sim::Thread setter(
      [&] {
        sim::sleep_for(std::chrono::milliseconds(setter_ms));
        sim::LockGuard guard(m);
        ready.store(1);
        cv.notify_one();
      },
      "setter");
  waiter.join();
  setter.join();
}

}  // namespace

TEST_CASE("strict timing honours durations: the sleeper always writes last") {
  sim::Report r = explore(sleeper_writes_last, Timing::Strict, 2000);
  CHECK(r.ok());
  CHECK(r.executions == 2000);
}

TEST_CASE("loose timing also runs a sleeper early, and the failure says it needed that") {
  sim::Report r = explore(sleeper_writes_last, Timing::Loose);
  REQUIRE(r.find(sim::FailureKind::AssertionFailed) != nullptr);
  const sim::Failure& f = *r.find(sim::FailureKind::AssertionFailed);
  bool noted = false;
  for (const std::string& d : f.details) noted = noted || d.find("sleep or a timeout end before its time") != std::string::npos;
  CHECK(noted);
  CHECK_FALSE(f.nondeterministic);
}

TEST_CASE("hours of virtual sleep end at the longest deadline under strict timing") {
  sim::Report r = explore(two_long_sleeps, Timing::Strict, 1000);
  CHECK(r.ok());
  CHECK(r.executions == 1000);
}

TEST_CASE("a condition wait with a timeout is notified in time, or times out when the notify is late") {
  CHECK(explore(wait_with_timeout<500>, Timing::Strict).ok());
  sim::Report late = explore(wait_with_timeout<2000>, Timing::Strict);
  REQUIRE(late.find(sim::FailureKind::AssertionFailed) != nullptr);
  CHECK(late.find(sim::FailureKind::AssertionFailed)->message == "the wait timed out");
  // Loose timing may let the timeout win even against an early notify.
  CHECK(explore(wait_with_timeout<500>, Timing::Loose).find(sim::FailureKind::AssertionFailed) != nullptr);
}

TEST_CASE("outside a simulation sleep_for and compute take real time") {
  const auto before = std::chrono::steady_clock::now();
  sim::sleep_for(2ms);
  sim::compute(2ms);
  CHECK(std::chrono::steady_clock::now() - before >= 4ms);
}
