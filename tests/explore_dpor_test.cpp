// Tests DPOR beyond counting: condvars and spurious wake-ups, virtual time, the toolbox
// primitives (handled coarsely), spawns inside threads, determinism and replay.
#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "explore_support.hpp"

using namespace explore_test;
using namespace std::chrono_literals;

namespace {

// DPOR runs every trace the plain search runs (and nothing else).
void same_traces(const std::function<void()>& body, std::uint32_t spurious = 0) {
  const Searched dfs = search_dfs(body, {.spurious = spurious});
  const Searched dpor = search_dpor(body, {.spurious = spurious});
  CHECK(dfs.report.complete);
  CHECK(dpor.report.complete);
  CHECK(dpor.traces == dfs.traces);
  CHECK(dpor.report.executions <= dfs.report.executions);

}

// The classic misuse: `if` instead of `while` around the wait. Correct only if no wake-up is
// spurious.
void if_not_while() {
  sim::Mutex m{"m"};
  sim::CondVar cv{"cv"};
  sim::Shared<int> ready{0, "ready"};
  sim::Thread consumer([&] {
    sim::UniqueLock lock(m);
    if (ready.load() == 0) cv.wait(lock);
    sim::check(ready.load() == 1, "woke up without ready");
  }, "consumer");
  sim::Thread producer([&] {
    {
      sim::LockGuard g(m);
      ready.store(1);
    }
    cv.notify_one();
  }, "producer");
  consumer.join();
  producer.join();
}

void timed_wait() {
  sim::Mutex m{"m"};
  sim::CondVar cv{"cv"};
  sim::Shared<int> ready{0, "ready"};
  sim::Thread waiter([&] {
    sim::UniqueLock lock(m);
    if (ready.load() == 0) (void)cv.wait_for(lock, 10ms);
    (void)ready.load();
  }, "waiter");
  sim::Thread setter([&] {
    {
      sim::LockGuard g(m);
      ready.store(1);
    }
    cv.notify_one();
  }, "setter");
  waiter.join();
  setter.join();
}

void sleepers() {
  sim::Shared<int> x{0, "x"};
  sim::Thread a([&] {
    sim::sleep_for(5ms);
    x.store(1);
  }, "a");
  sim::Thread b([&] {
    sim::sleep_for(3ms);
    x.store(2);
  }, "b");
  a.join();
  b.join();
}

void semaphore_as_lock() {
  sim::CountingSemaphore<1> s(1, "s");
  sim::Shared<int> x{0, "x"};
  auto work = [&] {
    s.acquire();
    x.store(x.load() + 1);
    s.release();
  };
  sim::Thread a(work, "a"), b(work, "b");
  a.join();
  b.join();
  sim::check(x.load() == 2, "lost update");
}

void channel_pipe() {
  sim::Channel<int> ch("ch", 1);
  sim::Shared<int> sum{0, "sum"};
  sim::Thread producer([&] {
    ch.send(1);
    ch.send(2);
    ch.close();
  }, "producer");
  sim::Thread consumer([&] {
    while (auto v = ch.recv()) sum.store(sum.load() + *v);
  }, "consumer");
  producer.join();
  consumer.join();
  sim::check(sum.load() == 3);
}

void readers_writer() {
  sim::RwLock rw{"rw"};
  sim::Shared<int> x{0, "x"};
  sim::Thread w([&] {
    rw.lock();
    x.store(1);
    rw.unlock();
  }, "writer");
  sim::Thread r1([&] {
    rw.lock_shared();
    (void)x.load();
    rw.unlock_shared();
  }, "r1");
  sim::Thread r2([&] {
    rw.lock_shared();
    (void)x.load();
    rw.unlock_shared();
  }, "r2");
  w.join();
  r1.join();
  r2.join();
}

void try_locks() {
  sim::Mutex m{"m"};
  sim::Shared<int> x{0, "x"};
  sim::Thread a([&] {
    if (m.try_lock()) {
      x.store(1);
      m.unlock();
    }
  }, "a");
  sim::Thread b([&] {
    sim::LockGuard g(m);
    x.store(2);
  }, "b");
  a.join();
  b.join();
}

void nested_spawns() {
  sim::Shared<int> x{0, "x"};
  sim::Thread outer([&] {
    sim::Thread inner([&] { x.store(1); }, "inner");
    x.store(2);
    inner.join();
  }, "outer");
  sim::Thread other([&] { (void)x.load(); }, "other");
  outer.join();
  other.join();
}

void atomics() {
  sim::Atomic<int> a{0, "a"};
  sim::Atomic<int> b{0, "b"};
  sim::Thread t1([&] {
    a.fetch_add(1);
    (void)b.load();
  }, "t1");
  sim::Thread t2([&] {
    b.store(1);
    int expected = 0;
    a.compare_exchange_strong(expected, 5);
  }, "t2");
  t1.join();
  t2.join();
}

}  // namespace

TEST_CASE("condvars: notify_one's choice of waiter, notify_all, spurious wake-ups") {
  same_traces([] { tokens(2, 2, false); });
  same_traces([] { tokens(2, 2, true); });
  same_traces([] { tokens(1, 2, false); }, 1);
  same_traces(if_not_while, 1);
}

TEST_CASE("spurious wake-ups are explored only within the budget") {
  // With no spurious wake-up allowed, `if` instead of `while` is never caught; with one it is.
  for (auto search : {sim::Search::Dfs, sim::Search::Dpor}) {
    CAPTURE(sim::to_string(search));
    sim::Report none = sim::explore(if_not_while, {.strategy = search});
    CHECK(none.ok());
    CHECK(none.complete);
    sim::Report one = sim::explore(if_not_while, {.strategy = search, .spurious_wakeups = 1});
    const sim::Failure* f = one.find(sim::FailureKind::AssertionFailed);
    REQUIRE(f != nullptr);
    CHECK(f->message == "woke up without ready");
    sim::Report again = sim::replay(if_not_while, f->token);
    CHECK(again.find(sim::FailureKind::AssertionFailed) != nullptr);
  }
}

TEST_CASE("virtual time: timeouts race with notifies, sleeps with each other") {
  same_traces(timed_wait);
  same_traces(sleepers);
}

TEST_CASE("toolbox primitives are searched coarsely but completely") {
  same_traces(semaphore_as_lock);
  same_traces(channel_pipe);
  same_traces(readers_writer);
}

TEST_CASE("try_lock, spawns inside threads, atomics") {
  same_traces(try_locks);
  same_traces(nested_spawns);
  same_traces(atomics);
}

TEST_CASE("DPOR is deterministic and its failures replay") {
  auto run = [] { return sim::explore([] { lost_update(3); }, {.strategy = sim::Search::Dpor, .on_failure = sim::OnFailure::Continue}); };
  sim::Report a = run(), b = run();
  CHECK(a.executions == b.executions);
  CHECK(a.complete);
  REQUIRE(a.failures.size() == b.failures.size());
  for (std::size_t i = 0; i < a.failures.size(); ++i) CHECK(a.failures[i].token == b.failures[i].token);
  sim::Report first = sim::explore(bank_race_2t, {.strategy = sim::Search::Dpor});
  const sim::Failure* f = first.find(sim::FailureKind::AssertionFailed);
  REQUIRE(f != nullptr);
  CHECK(f->found_by == "dpor execution=" + std::to_string(f->execution));
  CHECK(first.executions == f->execution);
  CHECK_FALSE(first.complete);
  CHECK_FALSE(f->nondeterministic);
  CHECK(sim::replay(bank_race_2t, f->token).find(sim::FailureKind::AssertionFailed) != nullptr);
}

TEST_CASE("a complete DPOR search with no failure is a proof for the body") {
  sim::Report r = sim::explore([] { locked_counter(4); }, {.strategy = sim::Search::Dpor});
  CHECK(r.ok());
  CHECK(r.complete);
  CHECK(r.executions == 24);
  CHECK(r.strategy == "dpor");
}
