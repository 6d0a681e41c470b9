// Tests the toolbox under exhaustive search: each correct use passes every interleaving of a
// small instance, and each classic misuse is found by the search too.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

#include "interleave/doctest.hpp"
#include "interleave/explore.hpp"

using namespace std::chrono_literals;

namespace {

// Every interleaving (depth first, no bound); the report must be complete.
// Yields here make room for other tasks, not waits: the spin-loop rule is off, so a yield is
// one more place to switch (ExecutionLimits::spin_loops).
sim::Report every(const std::function<void()>& body) {
  sim::ExecutionLimits limits;
  limits.spin_loops = sim::ExecutionLimits::SpinLoops::Run;
  sim::Report r = sim::explore(body, {.strategy = sim::Search::Dfs, .limits = limits, .progress = sim::Progress::Off});
  CHECK(r.complete);
  return r;
}

// Every interleaving passes; `executions` pins how many there are, so a change in the
// primitives' scheduling points shows here.
void require_all_pass(const std::function<void()>& body, std::uint64_t executions) {
  sim::Report r = every(body);
  if (!r.ok()) FAIL(sim::to_text(r, {.timing = false}));
  CHECK(r.executions == executions);
}

void require_found(const std::function<void()>& body, sim::FailureKind kind) {
  sim::Report r = sim::explore(body, {.strategy = sim::Search::Dfs, .progress = sim::Progress::Off});
  REQUIRE(r.find(kind) != nullptr);
  sim::Report again = sim::replay(body, r.find(kind)->token);
  CHECK(again.find(kind) != nullptr);
}

}  // namespace

TEST_CASE("rwlock: a writer and a reader, every interleaving") {
  require_all_pass([] {
    sim::RwLock rw{"rw"};
    sim::Atomic<int> a{0, "a"}, b{0, "b"};
    sim::Thread w(
        [&] {
          sim::ExclusiveGuard g(rw);
          a.store(1);
          b.store(1);
        },
        "writer");
    sim::Thread r(
        [&] {
          sim::SharedGuard g(rw);
          sim::check(a.load() == b.load(), "torn read");
        },
        "reader");
    w.join();
    r.join();
  }, 26);
}

TEST_CASE("semaphore: a binary semaphore as a lock, every interleaving; a double release is found") {
  require_all_pass([] {
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
    sim::check(count.load() == 2, "lost update");
  }, 37);
  require_found(
      [] {
        sim::BinarySemaphore sem{0, "sem"};
        sim::Atomic<int> given{0, "given"};
        auto give = [&] {
          if (given.load() == 0) {
            given.store(1);
            sem.release();
          }
        };
        sim::Thread a(give, "a"), b(give, "b");
        a.join();
        b.join();
      },
      sim::FailureKind::SyncMisuse);
}

TEST_CASE("latch and barrier: every interleaving; a barrier short of a thread is found") {
  require_all_pass([] {
    sim::Latch done{2, "done"};
    sim::Atomic<int> work{0, "work"};
    sim::Thread a(
        [&] {
          work.fetch_add(1);
          done.count_down();
        },
        "a");
    sim::Thread b(
        [&] {
          work.fetch_add(1);
          done.count_down();
        },
        "b");
    done.wait();
    sim::check(work.load() == 2, "opened early");
    a.join();
    b.join();
  }, 20);
  require_all_pass([] {
    sim::Atomic<int> phases{0, "phases"};
    sim::Barrier sync{2, [&]() noexcept { phases.fetch_add(1); }, "sync"};
    auto worker = [&] {
      sync.arrive_and_wait();
      sim::check(phases.load() == 1, "passed before the completion ran");
    };
    sim::Thread a(worker, "a"), b(worker, "b");
    a.join();
    b.join();
  }, 60);
  require_found(
      [] {
        sim::Barrier sync{3, "sync"};
        sim::Thread a([&] { sync.arrive_and_wait(); }, "a");
        sync.arrive_and_wait();
        a.join();
      },
      sim::FailureKind::Deadlock);
}

TEST_CASE("channels and select: every interleaving; a send after close is found") {
  // An unbuffered channel between two tasks leaves no choice at all: each waits for the other.
  require_all_pass([] {
    sim::Channel<int> ch{"ch"};
    sim::Thread p(
        [&] {
          ch.send(1);
          ch.send(2);
          ch.close();
        },
        "producer");
    int expect = 1;
    while (std::optional<int> v = ch.recv()) sim::check(*v == expect++, "out of order");
    sim::check(expect == 3, "lost");
    p.join();
  }, 1);
  require_all_pass([] {
    sim::Channel<int> a{"a"}, b{"b", 1};
    sim::Thread pa([&] { a.send(1); }, "pa"), pb([&] { b.send(2); }, "pb");
    int sum = 0;
    for (int i = 0; i < 2; ++i) {
      sim::select(sim::on_recv(a, [&](std::optional<int> v) { sum += *v; }),
                  sim::on_recv(b, [&](std::optional<int> v) { sum += *v; }));
    }
    sim::check(sum == 3, "select lost a value");
    pa.join();
    pb.join();
  }, 200);
  require_found(
      [] {
        sim::Channel<int> ch{"ch", 2};
        auto produce = [&] {
          ch.send(1);
          ch.close();
        };
        sim::Thread a(produce, "a"), b(produce, "b");
        a.join();
        b.join();
      },
      sim::FailureKind::ChannelMisuse);
}

TEST_CASE("futures and a pool: every interleaving; a job waiting on its own full pool is found") {
  // One interleaving: spawning is not a scheduling point, and get() waits until the set.
  require_all_pass([] {
    sim::Promise<int> p{"p"};
    sim::Future<int> f = p.get_future();
    sim::Thread t([&] { p.set_value(1); }, "setter");
    sim::check(f.get() == 1, "wrong value");
    t.join();
  }, 1);
  require_all_pass([] {
    sim::ThreadPool pool{1, "pool"};
    sim::Future<int> f = pool.submit([] { return 7; });
    sim::check(f.get() == 7, "wrong result");
  }, 2);
  require_found(
      [] {
        sim::ThreadPool pool{1, "pool"};
        sim::Future<int> outer = pool.submit([&] { return pool.submit([] { return 1; }).get(); });
        outer.get();
      },
      sim::FailureKind::Deadlock);
}

TEST_CASE("async: without a co_await in between every interleaving passes; with one the lost update is found") {
  auto body = [](bool yield_in_between) {
    int balance = 0;
    auto deposit = [&]() -> sim::async::Task<void> {
      const int seen = balance;
      if (yield_in_between) co_await sim::async::yield();
      balance = seen + 10;
    };
    sim::async::Loop loop{"loop"};
    sim::Future<void> a = loop.spawn(deposit(), "alice");
    sim::Future<void> b = loop.spawn(deposit(), "bob");
    loop.run();
    sim::check(balance == 20, "a deposit was lost");
  };
  require_all_pass([&] { body(false); }, 2);
  require_found([&] { body(true); }, sim::FailureKind::AssertionFailed);
}

TEST_CASE("recursive and timed mutexes: every interleaving; a timed mutex relocked by its holder is found") {
  require_all_pass([] {
    sim::RecursiveMutex m{"m"};
    sim::Atomic<int> count{0, "count"};
    auto add = [&] {
      m.lock();
      m.lock();  // the holder again: no wait, no step
      count.store(count.load() + 1);
      m.unlock();
      m.unlock();
    };
    sim::Thread a(add, "a"), b(add, "b");
    a.join();
    b.join();
    sim::check(count.load() == 2, "lost update");
  }, 26);
  require_all_pass([] {
    sim::TimedMutex m{"m"};
    sim::Atomic<int> taken{0, "taken"}, gave_up{0, "gave_up"};
    auto try_it = [&] {
      if (m.try_lock_for(10ms)) {
        taken.fetch_add(1);
        m.unlock();
      } else {
        gave_up.fetch_add(1);
      }
    };
    sim::Thread a(try_it, "a"), b(try_it, "b");
    a.join();
    b.join();
    sim::check(taken.load() + gave_up.load() == 2 && taken.load() >= 1, "nobody took the mutex");
  }, 23);
  require_found(
      [] {
        sim::TimedMutex m{"m"};
        sim::Thread a(
            [&] {
              m.lock();
              if (!m.try_lock_for(5ms)) m.unlock();
            },
            "a");
        a.join();
      },
      sim::FailureKind::LockMisuse);
}

TEST_CASE("latch: counting down past zero is found and replayed") {
  require_found(
      [] {
        sim::Latch done{1, "done"};
        sim::Thread a([&] { done.count_down(); }, "a"), b([&] { done.count_down(); }, "b");
        a.join();
        b.join();
      },
      sim::FailureKind::SyncMisuse);
}

TEST_CASE("task-local: every interleaving keeps each task's value its own") {
  sim::TaskLocal<int> mine{0};
  require_all_pass([&] {
    auto work = [&](int n) {
      for (int i = 0; i < n; ++i) {
        ++mine.get();
        sim::yield();
      }
      sim::check(mine.get() == n, "another task's count leaked into this one");
    };
    sim::Thread a([&] { work(2); }, "a"), b([&] { work(1); }, "b");
    a.join();
    b.join();
  }, 15);
}
