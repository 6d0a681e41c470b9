// Tests Latch and Barrier: counting down, phases and the completion step, wrong counts, real threads.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "interleave/doctest.hpp"
#include "text_support.hpp"

namespace {

bool any_detail(const sim::Failure& f, const std::string& part) {
  for (const std::string& d : f.details) {
    if (contains(d, part)) return true;
  }
  return false;
}

// Three workers count a latch down; main waits for it and sees all their work.
void latch_fan_in() {
  sim::Latch done{3, "done"};
  sim::Atomic<int> work{0, "work"};
  std::vector<sim::Thread> ts;
  for (const char* name : {"w1", "w2", "w3"}) {
    ts.emplace_back(
        [&] {
          work.fetch_add(1);
          done.count_down();
        },
        name);
  }
  done.wait();
  sim::check(work.load() == 3, "the latch opened before every worker was done");
  for (sim::Thread& t : ts) t.join();
}

// Three threads go through two phases; the completion step counts phases, and every thread
// sees it done before it starts the next phase.
void barrier_phases() {
  sim::Atomic<int> phases{0, "phases"};
  sim::Barrier sync{3, [&]() noexcept { phases.fetch_add(1); }, "sync"};
  auto worker = [&] {
    for (int p = 1; p <= 2; ++p) {
      sync.arrive_and_wait();
      sim::check(phases.load() >= p, "passed the barrier before its phase completed");
    }
  };
  sim::Thread a(worker, "a"), b(worker, "b"), c(worker, "c");
  a.join();
  b.join();
  c.join();
  sim::check(phases.load() == 2, "a phase did not complete");
}

}  // namespace

TEST_CASE("a latch lets main through only after every count_down") {
  sim::require_no_failure(latch_fan_in, {.iterations = 2000, .seed = 1});
}

TEST_CASE("counting a latch down past zero is SyncMisuse") {
  auto body = [] {
    sim::Latch l{1, "l"};
    l.count_down();
    l.count_down();
  };
  sim::Failure f = sim::require_failure(body, sim::FailureKind::SyncMisuse, {.iterations = 1});
  CHECK(contains(f.message, "counts latch l down by 1 with 0 left"));
}

TEST_CASE("a latch that never reaches zero is a deadlock naming it") {
  auto body = [] {
    sim::Latch ready{2, "ready"};
    sim::Thread t([&] { ready.count_down(); }, "one");
    ready.wait();
    t.join();
  };
  sim::Failure f = sim::require_failure(body, sim::FailureKind::Deadlock, {.iterations = 10, .seed = 1});
  CHECK(any_detail(f, "main waits for latch ready to count down to zero"));
}

TEST_CASE("a barrier runs its completion once per phase, before anyone goes on") {
  sim::require_no_failure(barrier_phases, {.iterations = 3000, .seed = 1});
}

TEST_CASE("a barrier expecting three threads with only two is a deadlock naming the barrier, found and replayed") {
  auto body = [] {
    sim::Barrier sync{3, "sync"};  // the wrong count: only two threads come
    auto worker = [&] { sync.arrive_and_wait(); };
    sim::Thread a(worker, "a"), b(worker, "b");
    a.join();
    b.join();
  };
  sim::Failure f = sim::require_failure(body, sim::FailureKind::Deadlock, {.iterations = 10, .seed = 1});
  CHECK(any_detail(f, "a waits at barrier sync for arrivals that never come"));
  CHECK(any_detail(f, "b waits at barrier sync for arrivals that never come"));
}

TEST_CASE("arrive_and_drop lowers the count of the next phases") {
  auto body = [] {
    sim::Barrier sync{2, "sync"};
    sim::Thread leaver([&] { sync.arrive_and_drop(); }, "leaver");
    sync.arrive_and_wait();  // phase 0: main and the leaver
    sync.arrive_and_wait();  // phase 1: main alone
    leaver.join();
  };
  sim::require_no_failure(body, {.iterations = 500, .seed = 1});
}

TEST_CASE("arriving more often than a phase expects is SyncMisuse") {
  auto body = [] {
    sim::Barrier sync{1, "sync"};
    (void)sync.arrive(2);
  };
  sim::require_failure(body, sim::FailureKind::SyncMisuse, {.iterations = 1});
}

TEST_CASE("split arrive and wait") {
  auto body = [] {
    sim::Barrier sync{2, "sync"};
    sim::Thread t([&] { sync.arrive_and_wait(); }, "t");
    auto token = sync.arrive();
    sync.wait(std::move(token));
    t.join();
  };
  sim::require_no_failure(body, {.iterations = 500, .seed = 1});
}

TEST_CASE("run_real: latch and barrier on OS threads") {
  sim::RealReport l = sim::run_real(latch_fan_in, {.runs = 100});
  CHECK(l.failed == 0);
  CHECK_FALSE(l.stalled);
  sim::RealReport b = sim::run_real(barrier_phases, {.runs = 100});
  CHECK(b.failed == 0);
  CHECK_FALSE(b.stalled);
  CAPTURE(b.first_failure);
}
