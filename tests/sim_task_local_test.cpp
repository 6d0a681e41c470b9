// Tests TaskLocal: one value per simulated task, fresh each execution; a thread_local outside.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "interleave/doctest.hpp"

TEST_CASE("each task has its own value, starting from the initial one") {
  sim::TaskLocal<int> depth{0};
  auto body = [&] {
    auto work = [&](int n) {
      for (int i = 0; i < n; ++i) {
        ++depth.get();
        sim::yield();
      }
      sim::check(depth.get() == n, "another task's count leaked into this one");
    };
    sim::Thread a([&] { work(2); }, "a"), b([&] { work(3); }, "b");
    work(1);
    a.join();
    b.join();
  };
  // The same TaskLocal across executions: each one starts afresh.
  sim::require_no_failure(body, {.iterations = 500, .seed = 1});
}

TEST_CASE("outside a simulation it is a thread_local") {
  sim::TaskLocal<int> slot{7};
  std::atomic<int> seen{0};
  std::thread t([&] {
    slot.set(1);
    seen = slot.get();
  });
  t.join();
  CHECK(seen == 1);
  CHECK(slot.get() == 7);
}
