// Tests RecursiveMutex and TimedMutex: nesting, misuse, timeouts explored on virtual time, real threads.
#include <doctest/doctest.h>

#include <chrono>
#include <set>
#include <sstream>
#include <string>

#include "interleave/doctest.hpp"
#include "text_support.hpp"

using namespace std::chrono_literals;

namespace {

// Two threads add to a counter through a function that takes the lock and calls itself.
void recursive_counter() {
  sim::RecursiveMutex m{"m"};
  sim::Shared<int> count{0, "count"};
  auto add = [&](auto& self, int depth) -> void {
    std::lock_guard<sim::RecursiveMutex> g(m);
    count.store(count.load() + 1);
    if (depth > 0) self(self, depth - 1);
  };
  sim::Thread a([&] { add(add, 2); }, "a"), b([&] { add(add, 2); }, "b");
  a.join();
  b.join();
  sim::check(count.load() == 6, "an update was lost");
}

}  // namespace

TEST_CASE("a recursive mutex taken three deep by two threads loses nothing and races nothing") {
  sim::require_no_failure(recursive_counter, {.iterations = 2000, .seed = 1});
}

TEST_CASE("sim::LockGuard holds a recursive or a timed mutex for a scope, both steps at the guard") {
  const auto body = [] {
    sim::RecursiveMutex r{"r"};
    sim::TimedMutex t{"t"};
    sim::Shared<int> x{0, "x"};
    sim::Thread a([&] {
      sim::LockGuard outer(r);
      sim::LockGuard inner(r);  // again, by its holder
      sim::LockGuard timed(t);
      x.store(x.load() + 1);
    }, "a");
    sim::Thread b([&] {
      sim::LockGuard g(r);
      sim::LockGuard timed(t);
      x.store(x.load() + 1);
    }, "b");
    a.join();
    b.join();
    sim::check(x.load() == 2, "an update was lost");
    sim::check(false, "show the story");
  };
  const sim::Failure f = sim::require_failure(body, sim::FailureKind::AssertionFailed, {.iterations = 1});
  CHECK(f.message == "show the story");
  const std::string story = sim::to_text(sim::Report{.failures = {f}}, {.timing = false});
  INFO(story);
  // Each lock and unlock of the history (before the per-task table) is told at the guard's line.
  std::istringstream lines(story.substr(0, story.find("By task:")));
  int locks = 0, unlocks = 0;
  for (std::string line; std::getline(lines, line);) {
    const bool unlock = contains(line, " unlock ");
    if (!unlock && !contains(line, " lock ")) continue;
    (unlock ? unlocks : locks)++;
    CHECK_MESSAGE(contains(line, "tests/sim_mutex_variants_test.cpp:"), line);
  }
  CHECK(locks == 5);
  CHECK(unlocks == 5);
}

TEST_CASE("a recursive mutex unlocked by a thread that does not hold it is LockMisuse") {
  auto body = [] {
    sim::RecursiveMutex m{"m"};
    m.lock();
    sim::Thread t([&] { m.unlock(); }, "intruder");
    t.join();
    m.unlock();
  };
  sim::Failure f = sim::require_failure(body, sim::FailureKind::LockMisuse, {.iterations = 10, .seed = 1});
  CHECK(contains(f.message, "intruder unlocks recursive mutex m, which main holds"));
}

TEST_CASE("a recursive mutex destroyed while held is LockMisuse") {
  auto body = [] {
    auto* m = new sim::RecursiveMutex("m");
    m->lock();
    delete m;
  };
  sim::require_failure(body, sim::FailureKind::LockMisuse, {.iterations = 1});
}

TEST_CASE("try_lock_for either takes the mutex or times out, both explored under loose timing") {
  std::set<bool> outcomes;
  auto body = [&] {
    sim::TimedMutex m{"m"};
    sim::Thread holder(
        [&] {
          std::lock_guard<sim::TimedMutex> g(m);
          sim::sleep_for(10ms);
        },
        "holder");
    sim::Thread waiter(
        [&] {
          if (m.try_lock_for(1ms)) {
            outcomes.insert(true);
            m.unlock();
          } else {
            outcomes.insert(false);
          }
        },
        "waiter");
    holder.join();
    waiter.join();
  };
  sim::require_no_failure(body, {.iterations = 300, .seed = 1});
  CHECK(outcomes == std::set<bool>{false, true});
}

TEST_CASE("under strict timing a short timeout behind a long hold always times out") {
  auto body = [](std::chrono::milliseconds timeout, bool expect) {
    sim::TimedMutex m{"m"};
    m.lock();  // main holds it for 10 ms of virtual time
    sim::Thread waiter(
        [&] {
          const bool got = m.try_lock_for(timeout);
          sim::check(got == expect, got ? "took the mutex" : "timed out");
          if (got) m.unlock();
        },
        "waiter");
    sim::sleep_for(10ms);
    m.unlock();
    waiter.join();
  };
  const sim::ExecutionLimits strict{.timing = sim::ExecutionLimits::Timing::Strict};
  sim::require_no_failure([&] { body(1ms, false); }, {.iterations = 200, .seed = 1, .limits = strict});
  sim::require_no_failure([&] { body(1s, true); }, {.iterations = 200, .seed = 1, .limits = strict});
}

TEST_CASE("timed locks in opposite order back off and never deadlock") {
  auto body = [] {
    sim::TimedMutex a{"a"}, b{"b"};
    auto both = [](sim::TimedMutex& first, sim::TimedMutex& second) {
      for (;;) {
        std::unique_lock<sim::TimedMutex> g(first);
        if (second.try_lock_for(1ms)) {
          second.unlock();
          return;
        }
      }
    };
    sim::Thread t1([&] { both(a, b); }, "t1"), t2([&] { both(b, a); }, "t2");
    t1.join();
    t2.join();
  };
  sim::require_no_failure(body, {.iterations = 1000, .seed = 1});
}

TEST_CASE("a timed mutex locked twice by its holder is LockMisuse") {
  auto body = [] {
    sim::TimedMutex m{"m"};
    m.lock();
    (void)m.try_lock_for(1ms);
  };
  sim::Failure f = sim::require_failure(body, sim::FailureKind::LockMisuse, {.iterations = 1});
  CHECK(contains(f.message, "try_lock_for on timed mutex m while holding it"));
}

TEST_CASE("run_real: recursive and timed mutexes on OS threads") {
  sim::RealReport r = sim::run_real(recursive_counter, {.runs = 100});
  CHECK(r.failed == 0);
  CHECK_FALSE(r.stalled);
  sim::TimedMutex m{"m"};
  CHECK(m.try_lock_for(1ms));
  m.unlock();
}
