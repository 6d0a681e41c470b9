// Tests deadlock detection: lock-order inversion, a join on a stuck task, a lost wake-up.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "interleave/doctest.hpp"
#include "failure_support.hpp"
#include "text_support.hpp"

namespace {

// alice takes a then b; bob takes b then a.
void opposite_order() {
  sim::Mutex a{"a"}, b{"b"};
  sim::Thread alice(
      [&] {
        sim::LockGuard first(a);
        sim::LockGuard second(b);
      },
      "alice");
  sim::Thread bob(
      [&] {
        sim::LockGuard first(b);
        sim::LockGuard second(a);
      },
      "bob");
  alice.join();
  bob.join();
}

void same_order() {
  sim::Mutex a{"a"}, b{"b"};
  auto both = [&] {
    sim::LockGuard first(a);
    sim::LockGuard second(b);
  };
  sim::Thread alice(both, "alice"), bob(both, "bob");
  alice.join();
  bob.join();
}

}  // namespace

TEST_CASE("two threads taking two mutexes in opposite order deadlock within 100 executions") {
  sim::Report r = sim::check_random(opposite_order, {.iterations = 100, .seed = 1});
  const sim::Failure* f = r.find(sim::FailureKind::Deadlock);
  REQUIRE(f != nullptr);
  CHECK(f->execution <= 100);
  // alice and bob wait for each other; main waits to join alice.
  CHECK(f->details.size() == 3);
  CHECK(contains(f->message, "3 tasks are blocked"));

  const std::string alice = detail_of(*f, "alice");
  const std::string bob = detail_of(*f, "bob");
  CAPTURE(alice);
  CAPTURE(bob);
  CHECK(contains(alice, "waits to lock b, held by bob"));
  CHECK(contains(bob, "waits to lock a, held by alice"));
  CHECK(contains(alice, "sim_deadlock_test.cpp:"));
  CHECK(contains(bob, "sim_deadlock_test.cpp:"));

  sim::Report again = sim::replay(opposite_order, f->token);
  const sim::Failure* g = again.find(sim::FailureKind::Deadlock);
  REQUIRE(g != nullptr);
  CHECK(g->same_place(*f));
  CHECK(g->details == f->details);
  CHECK(again.find(sim::FailureKind::ReplayDivergence) == nullptr);
}

TEST_CASE("the lock-order deadlock is found and replayed through require_failure") {
  sim::Failure f = sim::require_failure(opposite_order, sim::FailureKind::Deadlock, {.iterations = 100, .seed = 1});
  // main is blocked too, joining alice; the story names it as well.
  CHECK(contains(detail_of(f, "main"), "waits to join alice"));
}

TEST_CASE("taking the mutexes in the same order never deadlocks") {
  sim::Report r = sim::require_no_failure(same_order, {.iterations = 5000, .seed = 1});
  CHECK(r.executions == 5000);
}

TEST_CASE("joining a thread that waits for a mutex the joiner holds is a deadlock") {
  auto body = [] {
    sim::Mutex m{"m"};
    sim::LockGuard held(m);
    sim::Thread worker([&] { sim::LockGuard g(m); }, "worker");
    worker.join();
  };
  sim::Failure f = sim::require_failure(body, sim::FailureKind::Deadlock, {.iterations = 10, .seed = 1});
  CHECK(f.details.size() == 2);
  CHECK(contains(detail_of(f, "main"), "waits to join worker"));
  CHECK(contains(detail_of(f, "worker"), "waits to lock m, held by main"));
}

TEST_CASE("a wait whose notify came first is a deadlock: a lost wake-up") {
  auto body = [] {
    sim::Mutex m{"m"};
    sim::CondVar cv{"cv"};
    sim::Thread waiter(
        [&] {
          sim::UniqueLock lock(m);
          cv.wait(lock);  // no predicate: if the notify already happened, this waits forever
        },
        "waiter");
    sim::Thread notifier([&] { cv.notify_one(); }, "notifier");
    notifier.join();
    waiter.join();
  };
  sim::Failure f = sim::require_failure(body, sim::FailureKind::Deadlock, {.iterations = 200, .seed = 1});
  CHECK(contains(detail_of(f, "waiter"), "waits on cv for a notify that never comes"));
  CHECK(contains(detail_of(f, "main"), "waits to join waiter"));
}

TEST_CASE("three threads in a lock cycle deadlock, each detail naming the next holder") {
  auto body = [] {
    sim::Mutex m0{"m0"}, m1{"m1"}, m2{"m2"};
    sim::Mutex* ms[] = {&m0, &m1, &m2};
    std::vector<sim::Thread> threads;
    const char* names[] = {"t0", "t1", "t2"};
    for (int i = 0; i < 3; ++i) {
      threads.emplace_back(
          [&ms, i] {
            sim::LockGuard first(*ms[i]);
            sim::LockGuard second(*ms[(i + 1) % 3]);
          },
          names[i]);
    }
    for (sim::Thread& t : threads) t.join();
  };
  sim::Failure f = sim::require_failure(body, sim::FailureKind::Deadlock, {.iterations = 1000, .seed = 1});
  CHECK(f.details.size() == 4);
  CHECK(contains(f.message, "4 tasks are blocked"));
  CHECK(contains(detail_of(f, "t0"), "waits to lock m1, held by t1"));
  CHECK(contains(detail_of(f, "t1"), "waits to lock m2, held by t2"));
  CHECK(contains(detail_of(f, "t2"), "waits to lock m0, held by t0"));
}
