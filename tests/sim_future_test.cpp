// Tests Promise/Future, ThreadPool and as_completed: values, exceptions, misuse, pool deadlocks, order.
#include <doctest/doctest.h>

#include <future>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "interleave/doctest.hpp"
#include "failure_support.hpp"
#include "text_support.hpp"

namespace {

// A pool squares 1..4 (map, in order) and sums them as they complete (as_completed).
void pool_work() {
  sim::ThreadPool pool{2, "pool"};
  const std::vector<int> squares = pool.map([](int x) { return x * x; }, std::vector<int>{1, 2, 3, 4});
  sim::check(squares == std::vector<int>{1, 4, 9, 16}, "map gave the results out of order");
  std::vector<sim::Future<int>> futures;
  for (int i = 1; i <= 3; ++i) futures.push_back(pool.submit([i] { return i; }));
  int sum = 0;
  for (sim::Future<int>& f : sim::as_completed(futures)) sum += f.get();
  sim::check(sum == 6, "as_completed lost a future");
}

}  // namespace

TEST_CASE("a value set by one thread is got by another") {
  auto body = [] {
    sim::Promise<int> p{"answer"};
    sim::Future<int> f = p.get_future();
    sim::Thread t([&] { p.set_value(42); }, "setter");
    sim::check(f.get() == 42, "wrong value");
    t.join();
  };
  sim::require_no_failure(body, {.iterations = 500, .seed = 1});
}

TEST_CASE("an exception travels through the future") {
  auto body = [] {
    sim::Promise<void> p{"done"};
    sim::Future<void> f = p.get_future();
    sim::Thread t([&] { p.set_exception(std::make_exception_ptr(std::runtime_error("disk full"))); }, "writer");
    bool thrown = false;
    try {
      f.get();
    } catch (const std::runtime_error& e) {
      thrown = std::string(e.what()) == "disk full";
    }
    sim::check(thrown, "the exception did not come through");
    t.join();
  };
  sim::require_no_failure(body, {.iterations = 200, .seed = 1});
}

TEST_CASE("a promise set twice is FutureMisuse, found and replayed") {
  // Two workers race to report the result: both set the same promise.
  auto body = [] {
    sim::Promise<int> result{"result"};
    sim::Future<int> f = result.get_future();
    sim::Thread a([&] { result.set_value(1); }, "a"), b([&] { result.set_value(2); }, "b");
    a.join();
    b.join();
    f.get();
  };
  sim::Failure f = sim::require_failure(body, sim::FailureKind::FutureMisuse, {.iterations = 100, .seed = 1});
  CHECK(contains(f.message, "sets promise result a second time"));
}

TEST_CASE("a future read twice is FutureMisuse") {
  auto body = [] {
    sim::Promise<int> p{"p"};
    sim::Future<int> f = p.get_future();
    p.set_value(1);
    f.get();
    f.get();
  };
  sim::require_failure(body, sim::FailureKind::FutureMisuse, {.iterations = 1});
}

TEST_CASE("a promise destroyed unset breaks its future") {
  auto body = [] {
    sim::Future<int> f;
    {
      sim::Promise<int> p{"p"};
      f = p.get_future();
    }
    bool broken = false;
    try {
      f.get();
    } catch (const std::future_error& e) {
      broken = e.code() == std::future_errc::broken_promise;
    }
    sim::check(broken, "no broken_promise");
  };
  sim::require_no_failure(body, {.iterations = 1});
}

TEST_CASE("waiting for a future nobody sets: the deadlock story names it") {
  auto body = [] {
    sim::Promise<int> p{"answer"};
    sim::Future<int> f = p.get_future();
    sim::Thread t([&] { f.get(); }, "asker");
    t.join();
  };
  sim::Failure f = sim::require_failure(body, sim::FailureKind::Deadlock, {.iterations = 10, .seed = 1});
  CHECK(contains(detail_of(f, "asker"), "asker waits to get future answer, which nobody sets"));
}

TEST_CASE("a pool maps in order and hands futures back as they complete") {
  sim::require_no_failure(pool_work, {.iterations = 1000, .seed = 1});
}

TEST_CASE("a job that throws delivers the exception through its future") {
  auto body = [] {
    sim::ThreadPool pool{2, "pool"};
    sim::Future<int> f = pool.submit([]() -> int { throw std::invalid_argument("bad input"); });
    bool thrown = false;
    try {
      f.get();
    } catch (const std::invalid_argument&) {
      thrown = true;
    }
    sim::check(thrown, "the job's exception was lost");
  };
  sim::require_no_failure(body, {.iterations = 200, .seed = 1});
}

TEST_CASE("a job waiting for another job queued behind it in a full pool deadlocks, found and replayed") {
  auto body = [] {
    sim::ThreadPool pool{1, "pool"};
    sim::Future<int> outer = pool.submit([&] {
      sim::Future<int> inner = pool.submit([] { return 1; });
      return inner.get() + 1;  // the only worker is busy with this very job
    });
    outer.get();
  };
  sim::Failure f = sim::require_failure(body, sim::FailureKind::Deadlock, {.iterations = 10, .seed = 1});
  CHECK(contains(detail_of(f, "pool.worker0"), "pool.worker0 waits to get future pool.job2, which nobody sets"));
  CHECK(contains(detail_of(f, "main"), "main waits to get future pool.job1"));
}

TEST_CASE("the same jobs in a pool of two never deadlock") {
  auto body = [] {
    sim::ThreadPool pool{2, "pool"};
    sim::Future<int> outer = pool.submit([&] { return pool.submit([] { return 1; }).get() + 1; });
    sim::check(outer.get() == 2, "wrong result");
  };
  sim::require_no_failure(body, {.iterations = 1000, .seed = 1});
}

TEST_CASE("as_completed order differs between schedules; assuming submission order breaks") {
  std::set<int> firsts;
  auto body = [&](bool assume_order) {
    sim::ThreadPool pool{2, "pool"};
    std::vector<sim::Future<int>> futures;
    futures.push_back(pool.submit([] { return 1; }));
    futures.push_back(pool.submit([] { return 2; }));
    std::vector<int> order;
    for (sim::Future<int>& f : sim::as_completed(futures)) order.push_back(f.get());
    firsts.insert(order.front());
    if (assume_order) sim::check(order == std::vector<int>{1, 2}, "results came back out of submission order");
  };
  sim::require_no_failure([&] { body(false); }, {.iterations = 300, .seed = 1});
  CHECK(firsts == std::set<int>{1, 2});
  sim::Failure f = sim::require_failure([&] { body(true); }, sim::FailureKind::AssertionFailed, {.iterations = 300, .seed = 1});
  CHECK(f.message == "results came back out of submission order");
}

TEST_CASE("shutdown drains pending work, or cancels it") {
  auto body = [](sim::Shutdown how) {
    sim::ThreadPool pool{1, "pool"};
    std::vector<sim::Future<int>> futures;
    for (int i = 0; i < 3; ++i) futures.push_back(pool.submit([i] { return i; }));
    pool.shutdown(how);
    int ran = 0, cancelled = 0;
    for (sim::Future<int>& f : futures) {
      try {
        f.get();
        ++ran;
      } catch (const sim::CancelledError&) {
        ++cancelled;
      }
    }
    sim::check(ran + cancelled == 3, "a job's future was left unset");
    if (how == sim::Shutdown::Drain) sim::check(ran == 3, "draining dropped a job");
  };
  sim::require_no_failure([&] { body(sim::Shutdown::Drain); }, {.iterations = 500, .seed = 1});
  sim::require_no_failure([&] { body(sim::Shutdown::Cancel); }, {.iterations = 500, .seed = 1});
}

TEST_CASE("submitting after shutdown is FutureMisuse") {
  auto body = [] {
    sim::ThreadPool pool{1, "pool"};
    pool.shutdown();
    pool.submit([] { return 0; });
  };
  sim::Failure f = sim::require_failure(body, sim::FailureKind::FutureMisuse, {.iterations = 1});
  CHECK(contains(f.message, "after its shutdown"));
}

TEST_CASE("run_real: futures, a pool and as_completed on OS threads") {
  sim::RealReport r = sim::run_real(pool_work, {.runs = 100});
  CHECK(r.failed == 0);
  CHECK_FALSE(r.stalled);
  CAPTURE(r.first_failure);
  sim::Promise<int> p{"p"};
  sim::Future<int> f = p.get_future();
  sim::Thread t([&] { p.set_value(5); });
  CHECK(f.get() == 5);
  t.join();
}
