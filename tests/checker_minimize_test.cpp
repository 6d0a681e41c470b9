// Tests minimisation: failing schedules shrink to the fewest preemptions that still show the same failure.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "interleave/doctest.hpp"
#include "text_support.hpp"

namespace {

std::size_t preemptions(const sim::History& h) {
  return static_cast<std::size_t>(std::count_if(h.steps.begin(), h.steps.end(), [](const sim::HistoryStep& s) { return s.preempted; }));
}

// Two increments that can lose one; the yields give a random schedule many preemptions.
void lost_update() {
  sim::Shared<int> counter{0, "counter"};
  auto bump = [&] {
    for (int i = 0; i < 3; ++i) sim::yield();
    counter += 1;
    for (int i = 0; i < 3; ++i) sim::yield();
  };
  sim::Thread a(bump, "a"), b(bump, "b");
  a.join();
  b.join();
  sim::check(counter.load() == 2, "an increment was lost");
}

void opposite_order_yielding() {
  sim::Mutex a{"a"}, b{"b"};
  sim::Thread alice([&] {
    sim::yield();
    sim::LockGuard x(a);
    sim::yield();
    sim::LockGuard y(b);
  }, "alice");
  sim::Thread bob([&] {
    sim::yield();
    sim::LockGuard x(b);
    sim::yield();
    sim::LockGuard y(a);
  }, "bob");
  alice.join();
  bob.join();
}

// These bodies yield to make room for preemptions, not to wait: with the spin-loop rule a yield
// parks its task until another changes something, which would leave the minimizer fewer orders
// to choose from than the test means to give it.
const sim::ExecutionLimits yields_as_steps = [] {
  sim::ExecutionLimits l;
  l.spin_loops = sim::ExecutionLimits::SpinLoops::Run;
  return l;
}();

}  // namespace

TEST_CASE("a two-thread lost update shrinks to exactly one preemption") {
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    CAPTURE(seed);
    sim::Report r = sim::check_random(lost_update, {.iterations = 500, .seed = seed, .limits = yields_as_steps});
    const sim::Failure* f = r.find(sim::FailureKind::AssertionFailed);
    REQUIRE(f != nullptr);
    CHECK(f->message == "an increment was lost");
    CHECK(f->minimal.preemptions == 1);
    CHECK(preemptions(f->history) == 1);
    CHECK(f->minimal.steps == f->history.steps.size());
    CHECK(f->original.preemptions >= f->minimal.preemptions);
    CHECK(f->original.steps >= 1);
    if (f->minimized) {
      CHECK(f->original.preemptions > 1);
      CHECK_FALSE(f->original_token.empty());
      CHECK(f->original_token != f->token);
    }
    const std::string text = checker::story(*f, {.timing = false});
    CAPTURE(text);
    CHECK(contains(text, "steps, 1 preemption):\n"));
    // The minimal token replays the same failure.
    const sim::Report again = sim::replay(lost_update, f->token, yields_as_steps);
    const sim::Failure* g = again.find(sim::FailureKind::AssertionFailed);
    REQUIRE(g != nullptr);
    CHECK(g->same_place(*f));
    CHECK(g->message == f->message);
    CHECK(again.find(sim::FailureKind::ReplayDivergence) == nullptr);
  }
}

TEST_CASE("the story says how much the schedule shrank, and the first token still replays") {
  // Seed 2 finds the lost update with several preemptions (the loop above shows seeds vary).
  sim::Report r = sim::check_random(lost_update, {.iterations = 500, .seed = 2, .limits = yields_as_steps});
  const sim::Failure* f = r.find(sim::FailureKind::AssertionFailed);
  REQUIRE(f != nullptr);
  REQUIRE(f->minimized);
  const std::string text = checker::story(*f, {.timing = false});
  CAPTURE(text);
  CHECK(contains(text, "  shrunk: " + std::to_string(f->original.steps) + " steps, " + std::to_string(f->original.preemptions) +
                           " preemptions → " + std::to_string(f->minimal.steps) + " steps, 1 preemption (first found as " +
                           f->original_token + ")"));
  const sim::Report first = sim::replay(lost_update, f->original_token, yields_as_steps);
  const sim::Failure* g = first.find(sim::FailureKind::AssertionFailed);
  REQUIRE(g != nullptr);
  CHECK(g->same_place(*f));
  CHECK(preemptions(g->history) == f->original.preemptions);
}

TEST_CASE("the lock-order deadlock shrinks to one preemption") {
  sim::Failure f = sim::require_failure(opposite_order_yielding, sim::FailureKind::Deadlock, {.iterations = 200, .seed = 3, .limits = yields_as_steps});
  CHECK(f.minimal.preemptions == 1);
  CHECK(preemptions(f.history) == 1);
  CHECK(contains(f.message, "tasks are blocked"));
}

TEST_CASE("a race shrinks to no preemption at all") {
  sim::Failure f = sim::require_failure(lost_update, sim::FailureKind::DataRace, {.iterations = 50, .seed = 4, .limits = yields_as_steps});
  CHECK(f.minimal.preemptions == 0);
  CHECK(preemptions(f.history) == 0);
}

TEST_CASE("a failure that needs a spurious wake-up keeps that data choice with its task") {
  auto body = [] {
    sim::Mutex m{"m"};
    sim::CondVar cv{"cv"};
    bool ready = false;
    sim::Thread waiter([&] {
      sim::UniqueLock lock(m);
      cv.wait(lock);  // no predicate: a spurious wake-up gets through
      sim::check(ready, "woke up before the notify");
    }, "waiter");
    sim::Thread notifier([&] {
      sim::yield();
      sim::yield();
      {
        sim::LockGuard guard(m);
        ready = true;
      }
      cv.notify_one();
    }, "notifier");
    waiter.join();
    notifier.join();
  };
  sim::Failure f = sim::require_failure(body, sim::FailureKind::AssertionFailed, {.iterations = 500, .seed = 1, .limits = yields_as_steps});
  CHECK(f.message == "woke up before the notify");
  CHECK(f.minimal.preemptions <= f.original.preemptions);
  CHECK(contains(checker::story(f, {.timing = false}), "wakes spuriously"));
}

TEST_CASE("minimisation can be turned off or starved of runs") {
  sim::Report off = sim::check_random(lost_update, {.iterations = 500, .seed = 2, .limits = yields_as_steps, .minimize = {.enabled = false}});
  const sim::Failure* f = off.find(sim::FailureKind::AssertionFailed);
  REQUIRE(f != nullptr);
  CHECK_FALSE(f->minimized);
  CHECK(f->original.steps == 0);
  CHECK(f->original_token.empty());
  CHECK_FALSE(contains(checker::story(*f, {.timing = false}), "shrunk"));

  // One run is the replay of the schedule found: nothing left to try.
  sim::Report starved = sim::check_random(lost_update, {.iterations = 500, .seed = 2, .limits = yields_as_steps, .minimize = {.max_runs = 1}});
  const sim::Failure* g = starved.find(sim::FailureKind::AssertionFailed);
  REQUIRE(g != nullptr);
  CHECK_FALSE(g->minimized);
  CHECK(g->token == f->token);
}

TEST_CASE("minimisation is deterministic: the same seed gives the same minimal token") {
  sim::Report a = sim::check_random(lost_update, {.iterations = 500, .seed = 5, .limits = yields_as_steps});
  sim::Report b = sim::check_random(lost_update, {.iterations = 500, .seed = 5, .limits = yields_as_steps});
  REQUIRE(a.failures.size() == b.failures.size());
  for (std::size_t i = 0; i < a.failures.size(); ++i) {
    CHECK(a.failures[i].token == b.failures[i].token);
    CHECK(a.failures[i].original_token == b.failures[i].original_token);
  }
}

TEST_CASE("findings that cannot be shrunk are left as found") {
  sim::Failure f;
  f.kind = sim::FailureKind::AssertionFailed;
  CHECK_FALSE(checker::can_minimize(f));  // no choices to shrink
  f.schedule.choices.push_back({sim::Choice::Kind::Task, 1});
  CHECK(checker::can_minimize(f));
  f.nondeterministic = true;
  CHECK_FALSE(checker::can_minimize(f));
  f.nondeterministic = false;
  f.kind = sim::FailureKind::PotentialDeadlock;  // its edges may come from several executions
  CHECK_FALSE(checker::can_minimize(f));
  f.kind = sim::FailureKind::StepLimit;
  CHECK_FALSE(checker::can_minimize(f));
}
