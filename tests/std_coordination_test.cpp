// The std front end: C++20 coordination (latch, barrier, counting_semaphore, call_once),
// futures (promise, future, shared_future, packaged_task, async), jthread with stop_token, and
// sleeping on virtual time, in unmodified code.
#include <barrier>
#include <chrono>
#include <future>
#include <latch>
#include <mutex>
#include <semaphore>
#include <stop_token>
#include <thread>

#include "interleave/doctest.hpp"

TEST_CASE("latch: the waiter sees every worker's write; a write after count_down is a race") {
  auto ordered = [] {
    std::latch done(2);
    int a = 0, b = 0;
    std::thread t1([&] {
      a = 1;
      done.count_down();
    });
    std::thread t2([&] {
      b = 1;
      done.count_down();
    });
    done.wait();
    sim::check(a + b == 2, "a write before count_down is not visible after wait");
    t1.join();
    t2.join();
  };
  sim::require_no_failure(ordered, {.iterations = 300});

  auto late = [] {
    std::latch done(1);
    int result = 0;
    std::thread worker([&] {
      done.count_down();
      result = 1;  // after the count_down: not ordered before the waiter's read
    });
    done.wait();
    sim::check(result == 0 || result == 1, "a torn int");  // reads it: not ordered after the write
    worker.join();
  };
  sim::require_failure(late, sim::FailureKind::DataRace, {.iterations = 100});
}

TEST_CASE("barrier: phases keep two threads in step, with a completion function") {
  auto body = [] {
    int phases = 0;
    std::barrier sync(2, [&]() noexcept { ++phases; });
    int left = 0, right = 0;
    std::thread a([&] {
      left = 1;
      sync.arrive_and_wait();
      sim::check(right == 1, "phase 1 not complete");
      sync.arrive_and_wait();
    });
    std::thread b([&] {
      right = 1;
      sync.arrive_and_wait();
      sim::check(left == 1, "phase 1 not complete");
      sync.arrive_and_wait();
    });
    a.join();
    b.join();
    sim::check(phases == 2, "completion function");
  };
  sim::require_no_failure(body, {.iterations = 300});
}

TEST_CASE("counting_semaphore: at most two of three threads inside at once") {
  auto body = [] {
    std::counting_semaphore<2> slots(2);
    std::atomic<int> inside{0};
    auto work = [&] {
      slots.acquire();
      sim::check(inside.fetch_add(1) < 2, "three inside");
      inside.fetch_sub(1);
      slots.release();
    };
    std::thread a(work), b(work), c(work);
    a.join();
    b.join();
    c.join();
  };
  sim::require_no_failure(body, {.iterations = 500});
}

TEST_CASE("call_once runs its function once and orders it before every caller") {
  auto body = [] {
    std::once_flag once;
    int runs = 0;
    int config = 0;
    auto use = [&] {
      std::call_once(once, [&] {
        ++runs;
        config = 7;
      });
      sim::check(config == 7, "configuration not visible");
    };
    std::thread a(use), b(use), c(use);
    a.join();
    b.join();
    c.join();
    sim::check(runs == 1, "ran twice");
  };
  sim::CheckOptions o{.iterations = 300};
  o.limits.plain_accesses = sim::ExecutionLimits::PlainAccesses::Switch;
  sim::require_no_failure(body, o);
}

TEST_CASE("promise and future hand over a value and what was written before it") {
  auto body = [] {
    std::promise<int> p;
    std::future<int> f = p.get_future();
    int side = 0;
    std::thread producer([&] {
      side = 5;
      p.set_value(42);
    });
    sim::check(f.get() == 42, "value");
    sim::check(side == 5, "side effect not visible");
    producer.join();
  };
  sim::require_no_failure(body, {.iterations = 300});
}

TEST_CASE("shared_future: two waiters get the value; an exception set on the promise is rethrown") {
  auto body = [] {
    std::promise<int> p;
    std::shared_future<int> f = p.get_future().share();
    int sum = 0;
    std::mutex m;
    auto wait = [&] {
      const int v = f.get();
      std::lock_guard<std::mutex> lock(m);
      sum += v;
    };
    std::thread a(wait), b(wait);
    p.set_value(3);
    a.join();
    b.join();
    sim::check(sum == 6, "sum");
    std::promise<int> failing;
    std::future<int> g = failing.get_future();
    std::thread thrower([&] { failing.set_exception(std::make_exception_ptr(std::runtime_error("no"))); });
    bool threw = false;
    try {
      g.get();
    } catch (const std::runtime_error&) {
      threw = true;
    }
    thrower.join();
    sim::check(threw, "exception not rethrown");
  };
  sim::require_no_failure(body, {.iterations = 300});
}

TEST_CASE("packaged_task and async(launch::async) run on their own tasks") {
  auto body = [] {
    std::packaged_task<int(int)> task([](int x) { return x * 2; });
    std::future<int> doubled = task.get_future();
    std::thread t(std::move(task), 21);
    auto tripled = std::async(std::launch::async, [] { return 3 * 7; });
    sim::check(doubled.get() == 42 && tripled.get() == 21, "results");
    t.join();
  };
  sim::require_no_failure(body, {.iterations = 300});
}

TEST_CASE("a std::async result read before get() is a data race") {
  auto body = [] {
    int out = 0;
    auto f = std::async(std::launch::async, [&] { out = 1; });
    sim::check(out == 0 || out == 1, "a torn int");  // reads it: not ordered after the task's write
    f.get();
  };
  sim::require_failure(body, sim::FailureKind::DataRace, {.iterations = 100});
}

TEST_CASE("jthread: request_stop ends a worker that polls its stop_token; its sleeps are virtual") {
  auto body = [] {
    int rounds = 0;
    const auto start = std::chrono::steady_clock::now();
    {
      std::jthread worker([&](std::stop_token stop) {
        while (!stop.stop_requested()) {
          ++rounds;
          std::this_thread::sleep_for(std::chrono::hours(1));
        }
      });
      std::this_thread::sleep_for(std::chrono::hours(3));
    }  // ~jthread: request_stop, then join
    // stop_requested is an acquire load: the memory model lets it miss request_stop's store up
    // to twice in a row (MemoryModel::stale_rereads), each a round more.
    sim::check(rounds >= 3 && rounds <= 6, "the worker sleeps an hour a round, for three hours");
    sim::check(std::chrono::steady_clock::now() - start >= std::chrono::hours(3), "virtual time");
  };
  sim::CheckOptions o{.iterations = 100};
  o.limits.timing = sim::ExecutionLimits::Timing::Strict;
  sim::require_no_failure(body, o);
}

TEST_CASE("steady_clock and system_clock read virtual time inside a simulation") {
  auto body = [] {
    const auto t0 = std::chrono::steady_clock::now();
    const auto w0 = std::chrono::system_clock::now();
    std::this_thread::sleep_until(t0 + std::chrono::seconds(90));
    sim::check(std::chrono::steady_clock::now() - t0 >= std::chrono::seconds(90), "steady clock did not move");
    sim::check(std::chrono::system_clock::now() - w0 >= std::chrono::seconds(90), "system clock did not move");
    std::this_thread::yield();
  };
  sim::CheckOptions o{.iterations = 3};
  o.limits.timing = sim::ExecutionLimits::Timing::Strict;
  sim::require_no_failure(body, o);
}
