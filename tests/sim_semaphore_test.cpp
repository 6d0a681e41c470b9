// Tests CountingSemaphore: bounded concurrency, mutual exclusion, over-release, timeouts, real threads.
#include <doctest/doctest.h>

#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "interleave/doctest.hpp"
#include "text_support.hpp"

using namespace std::chrono_literals;

namespace {

// Three workers share two slots: never more than two inside at once.
void two_slots() {
  sim::CountingSemaphore<2> slots{2, "slots"};
  sim::Atomic<int> inside{0, "inside"}, done{0, "done"};
  auto work = [&] {
    slots.acquire();
    sim::check(inside.fetch_add(1) < 2, "three workers inside two slots");
    inside.fetch_sub(1);
    done.fetch_add(1);
    slots.release();
  };
  std::vector<sim::Thread> ts;
  for (const char* name : {"w1", "w2", "w3"}) ts.emplace_back(work, name);
  for (sim::Thread& t : ts) t.join();
  sim::check(done.load() == 3, "a worker did not finish");
}

// A binary semaphore as a lock around a read-then-write (atomics, so only the lock is tested).
void binary_lock() {
  sim::BinarySemaphore lock{1, "lock"};
  sim::Atomic<int> count{0, "count"};
  auto add = [&] {
    lock.acquire();
    count.store(count.load() + 1);
    lock.release();
  };
  sim::Thread a(add, "a"), b(add, "b");
  a.join();
  b.join();
  sim::check(count.load() == 2, "an update was lost");
}

}  // namespace

TEST_CASE("a semaphore of two never lets three in") { sim::require_no_failure(two_slots, {.iterations = 3000, .seed = 1}); }

TEST_CASE("a binary semaphore used as a lock loses no update") {
  sim::require_no_failure(binary_lock, {.iterations = 2000, .seed = 1});
}

TEST_CASE("releasing a binary semaphore twice is SyncMisuse, found and replayed") {
  auto body = [] {
    sim::BinarySemaphore lock{1, "lock"};
    sim::Thread t(
        [&] {
          lock.acquire();
          lock.release();
          lock.release();  // one release too many: the count would go past its maximum of 1
        },
        "worker");
    t.join();
  };
  sim::Failure f = sim::require_failure(body, sim::FailureKind::SyncMisuse, {.iterations = 10, .seed = 1});
  CHECK(f.task_name == "worker");
  CHECK(contains(f.message, "releases semaphore lock past its maximum of 1"));
}

TEST_CASE("an over-release that depends on the interleaving is found") {
  // Two threads each release "their" slot once it is free: with an unlucky order both see it
  // free and the count goes past one.
  auto body = [] {
    sim::BinarySemaphore sem{0, "sem"};
    sim::Atomic<int> released{0, "released"};
    auto give = [&] {
      if (released.load() == 0) {
        released.store(1);
        sem.release();
      }
    };
    sim::Thread a(give, "a"), b(give, "b");
    a.join();
    b.join();
    sem.acquire();
  };
  sim::require_failure(body, sim::FailureKind::SyncMisuse, {.iterations = 2000, .seed = 1});
}

TEST_CASE("waiting on a semaphore nobody releases is a deadlock naming it") {
  auto body = [] {
    sim::CountingSemaphore<> ready{0, "ready"};
    sim::Thread t([&] { ready.acquire(); }, "waiter");
    t.join();
  };
  sim::Failure f = sim::require_failure(body, sim::FailureKind::Deadlock, {.iterations = 10, .seed = 1});
  bool named = false;
  for (const std::string& d : f.details) named = named || contains(d, "waiter waits to acquire semaphore ready");
  CHECK(named);
}

TEST_CASE("try_acquire_for takes a count or times out, both explored") {
  std::set<bool> outcomes;
  auto body = [&] {
    sim::BinarySemaphore sem{0, "sem"};
    sim::Thread giver(
        [&] {
          sim::sleep_for(5ms);
          sem.release();
        },
        "giver");
    outcomes.insert(sem.try_acquire_for(1ms));
    giver.join();
  };
  sim::require_no_failure(body, {.iterations = 300, .seed = 1});
  CHECK(outcomes == std::set<bool>{false, true});
}

TEST_CASE("run_real: the semaphores on OS threads") {
  sim::RealReport r = sim::run_real(two_slots, {.runs = 100});
  CHECK(r.failed == 0);
  CHECK_FALSE(r.stalled);
  sim::RealReport b = sim::run_real(binary_lock, {.runs = 100});
  CHECK(b.failed == 0);
  CAPTURE(r.first_failure);
}
