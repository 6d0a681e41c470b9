// Tests RwLock: readers share, writers exclude, preference, upgrade misuse, deadlock stories, real threads.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "interleave/doctest.hpp"
#include "failure_support.hpp"
#include "text_support.hpp"

namespace {

// A writer keeps two values equal; readers check they never see them differ, and count how
// many readers were inside at once. (Atomics hold the data so the check is about the lock alone.)
void readers_and_writer(sim::RwLock::Prefer prefer) {
  sim::RwLock rw{"rw", {.prefer = prefer}};
  sim::Atomic<int> a{0, "a"}, b{0, "b"}, inside{0, "inside"};
  auto writer = [&] {
    for (int i = 0; i < 2; ++i) {
      sim::ExclusiveGuard g(rw);
      sim::check(inside.load() == 0, "a writer entered while readers were inside");
      a.store(a.load() + 1);
      b.store(b.load() + 1);
    }
  };
  auto reader = [&] {
    sim::SharedGuard g(rw);
    inside.fetch_add(1);
    sim::check(a.load() == b.load(), "a reader saw a half-done write");
    inside.fetch_sub(1);
  };
  sim::Thread w(writer, "writer"), r1(reader, "r1"), r2(reader, "r2");
  w.join();
  r1.join();
  r2.join();
  sim::check(a.load() == 2 && b.load() == 2, "writes lost");
}

}  // namespace

TEST_CASE("readers and a writer keep the invariant under either preference") {
  sim::require_no_failure([] { readers_and_writer(sim::RwLock::Prefer::Readers); }, {.iterations = 3000, .seed = 1});
  sim::require_no_failure([] { readers_and_writer(sim::RwLock::Prefer::Writers); }, {.iterations = 3000, .seed = 2});
}

TEST_CASE("two readers are inside together in some execution") {
  bool together = false;
  auto body = [&] {
    sim::RwLock rw{"rw"};
    sim::Atomic<int> inside{0, "inside"};
    auto reader = [&] {
      sim::SharedGuard g(rw);
      if (inside.fetch_add(1) == 1) together = true;
      inside.fetch_sub(1);
    };
    sim::Thread r1(reader, "r1"), r2(reader, "r2");
    r1.join();
    r2.join();
  };
  sim::require_no_failure(body, {.iterations = 500, .seed = 1});
  CHECK(together);
}

TEST_CASE("a reader upgrading to exclusive is LockMisuse, found and replayed") {
  auto body = [] {
    sim::RwLock rw{"cache"};
    sim::Thread t(
        [&] {
          rw.lock_shared();
          rw.lock();  // "upgrade": waits for every reader to leave, itself included
          rw.unlock();
          rw.unlock_shared();
        },
        "updater");
    t.join();
  };
  sim::Failure f = sim::require_failure(body, sim::FailureKind::LockMisuse, {.iterations = 10, .seed = 1});
  CHECK(f.task_name == "updater");
  CHECK(contains(f.message, "locks rwlock cache exclusively while holding it shared"));
  CHECK(contains(f.message, "deadlocks"));
}

TEST_CASE("taking it shared twice is LockMisuse") {
  auto body = [] {
    sim::RwLock rw{"rw"};
    sim::SharedGuard a(rw);
    sim::SharedGuard b(rw);
  };
  sim::Failure f = sim::require_failure(body, sim::FailureKind::LockMisuse, {.iterations = 5, .seed = 1});
  CHECK(contains(f.message, "shared again while holding it shared"));
}

TEST_CASE("a reader joining a writer it holds out deadlocks, and the story names both") {
  auto body = [] {
    sim::RwLock rw{"rw"};
    sim::SharedGuard g(rw);
    sim::Thread w([&] { sim::ExclusiveGuard x(rw); }, "writer");
    w.join();
  };
  sim::Failure f = sim::require_failure(body, sim::FailureKind::Deadlock, {.iterations = 10, .seed = 1});
  CHECK(contains(detail_of(f, "writer"), "waits to lock rw, held by main"));
  CHECK(contains(detail_of(f, "main"), "waits to join writer"));
}

TEST_CASE("with writers preferred, a waiting writer holds back a new reader; with readers preferred it never does") {
  // main reads; a writer comes; a second reader tries to join main while main still reads.
  auto body = [](sim::RwLock::Prefer prefer) {
    sim::RwLock rw{"rw", {.prefer = prefer}};
    rw.lock_shared();
    sim::Thread w([&] { sim::ExclusiveGuard x(rw); }, "writer");
    sim::Thread r(
        [&] {
          const bool in = rw.try_lock_shared();
          sim::check(in, "a reader was held back while only readers held the lock");
          if (in) rw.unlock_shared();
        },
        "reader");
    r.join();
    rw.unlock_shared();
    w.join();
  };
  sim::require_no_failure([&] { body(sim::RwLock::Prefer::Readers); }, {.iterations = 1000, .seed = 1});
  sim::Failure f = sim::require_failure([&] { body(sim::RwLock::Prefer::Writers); }, sim::FailureKind::AssertionFailed,
                                        {.iterations = 1000, .seed = 1});
  CHECK(f.task_name == "reader");
}

TEST_CASE("unlocking what is not held is LockMisuse") {
  sim::Failure f = sim::require_failure(
      [] {
        sim::RwLock rw{"rw"};
        rw.unlock_shared();
      },
      sim::FailureKind::LockMisuse, {.iterations = 1});
  CHECK(contains(f.message, "does not hold shared"));
}

TEST_CASE("the events say lock_shared and unlock_shared on the rwlock") {
  auto body = [] {
    sim::RwLock rw{"rw"};
    { sim::SharedGuard g(rw); }
    sim::check(false, "stop here");
  };
  sim::Report r = sim::check_random(body, {.iterations = 1});
  REQUIRE(r.failures.size() == 1);
  std::vector<sim::OpKind> kinds;
  for (const sim::HistoryStep& s : r.failures[0].history.steps) kinds.push_back(s.kind);
  CHECK(std::count(kinds.begin(), kinds.end(), sim::OpKind::LockShared) == 1);
  CHECK(std::count(kinds.begin(), kinds.end(), sim::OpKind::UnlockShared) == 1);
}

TEST_CASE("run_real: readers and writers on OS threads") {
  sim::RealReport r = sim::run_real([] { readers_and_writer(sim::RwLock::Prefer::Readers); }, {.runs = 100});
  CHECK(r.runs == 100);
  CHECK(r.failed == 0);
  CHECK_FALSE(r.stalled);
  CAPTURE(r.first_failure);
}
