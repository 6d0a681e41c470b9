// Tests the lock-order graph: deadlocks predicted from runs that never deadlocked, and the orders that cannot deadlock.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "checker/checkers.hpp"
#include "interleave/doctest.hpp"
#include "sim/core/strategy.hpp"
#include "text_support.hpp"

namespace {

// "path/of/this/file.cpp:line", spelled as reports spell it (the path depends on the build directory).
std::string at_line(int line) {
  const std::string self = sim::to_string(sim::Location::here());
  return self.substr(0, self.rfind(':') + 1) + std::to_string(line);
}

// Runs tasks one after the other, preferring them in a fixed order (task ids) chosen per
// execution: no preemption, so two tasks never hold locks at the same time.
class OrderStrategy final : public sim::Strategy {
 public:
  explicit OrderStrategy(std::vector<std::vector<std::uint32_t>> orders) : orders_(std::move(orders)) {}
  bool begin_execution() override {
    if (next_ >= orders_.size()) return false;
    order_ = orders_[next_++];
    return true;
  }
  sim::TaskId next_task(std::span<const sim::TaskId> runnable, sim::TaskId current) override {
    for (std::uint32_t t : order_) {
      for (sim::TaskId r : runnable) {
        if (sim::index(r) == t) return r;
      }
    }
    return std::find(runnable.begin(), runnable.end(), current) != runnable.end() ? current : runnable.front();
  }
  std::uint32_t next_value(std::uint32_t) override { return 0; }
  std::string describe() const override { return "order execution=" + std::to_string(next_); }

 private:
  std::vector<std::vector<std::uint32_t>> orders_;
  std::vector<std::uint32_t> order_;
  std::size_t next_ = 0;
};

// Runs `body` under `strategy` watched by the default checkers, as check_random does.
sim::Report run_ordered(const std::function<void()>& body, std::vector<std::vector<std::uint32_t>> orders) {
  OrderStrategy strategy(std::move(orders));
  checker::Checkers checkers;
  sim::Observer* observers[] = {&checkers};
  sim::Runner runner({.iterations = 100});
  sim::Report report = runner.run(body, strategy, observers);
  checkers.reconcile(report);
  return report;
}

constexpr int ab_line = __LINE__ + 4;  // alice: a, then b; bob: b, then a
void opposite_locks() {
  sim::Mutex a{"a"}, b{"b"};
  sim::Thread alice([&] {
    sim::LockGuard x(a);
    sim::LockGuard y(b);
  }, "alice");
  sim::Thread bob([&] {
    sim::LockGuard x(b);
    sim::LockGuard y(a);
  }, "bob");
  alice.join();
  bob.join();
}

void gated() {
  sim::Mutex gate{"gate"}, a{"a"}, b{"b"};
  sim::Thread alice([&] {
    sim::LockGuard g(gate);
    sim::LockGuard x(a);
    sim::LockGuard y(b);
  }, "alice");
  sim::Thread bob([&] {
    sim::LockGuard g(gate);
    sim::LockGuard x(b);
    sim::LockGuard y(a);
  }, "bob");
  alice.join();
  bob.join();
}

void one_thread_both_orders() {
  sim::Mutex a{"a"}, b{"b"};
  sim::Thread alice([&] {
    {
      sim::LockGuard x(a);
      sim::LockGuard y(b);
    }
    sim::LockGuard x(b);
    sim::LockGuard y(a);
  }, "alice");
  sim::Thread bob([&] { sim::LockGuard x(a); }, "bob");
  alice.join();
  bob.join();
}

}  // namespace

TEST_CASE("AB/BA is a PotentialDeadlock from executions that never deadlocked") {
  // alice runs to the end, then bob: no execution deadlocks, but the orders conflict.
  sim::Report r = run_ordered(opposite_locks, {{1, 2}, {2, 1}, {1, 2}});
  CHECK(r.executions == 3);
  CHECK(r.find(sim::FailureKind::Deadlock) == nullptr);
  REQUIRE(r.failures.size() == 1);
  const sim::Failure& f = r.failures.front();
  REQUIRE(f.kind == sim::FailureKind::PotentialDeadlock);
  CHECK(f.execution == 1);
  CAPTURE(f.message);
  CHECK(f.message == "lock-order cycle a → b → a: alice takes b while holding a, bob takes a while holding b; "
                     "run at the same time, each can hold one lock and wait for the next");
  // Each edge with both acquisition sites.
  REQUIRE(f.details.size() == 2);
  CHECK(contains(f.details[0], "alice locks b at " + at_line(ab_line + 1) + " while holding a (locked at " + at_line(ab_line) + ")"));
  CHECK(contains(f.details[1], "bob locks a at " + at_line(ab_line + 5) + " while holding b (locked at " + at_line(ab_line + 4) + ")"));
  CHECK(f.notes.empty());  // one execution shows the whole cycle

  // The token replays it: the cycle is in that one execution.
  sim::Report again = sim::replay(opposite_locks, f.token);
  const sim::Failure* g = again.find(sim::FailureKind::PotentialDeadlock);
  REQUIRE(g != nullptr);
  CHECK(g->same_place(f));
  CHECK(again.find(sim::FailureKind::ReplayDivergence) == nullptr);
}

TEST_CASE("a deadlock that also happened is reported once, as the Deadlock, noting the prediction") {
  sim::Report r = sim::check_random(opposite_locks, {.iterations = 100, .seed = 1});
  REQUIRE(r.failures.size() == 1);
  const sim::Failure& f = r.failures.front();
  CHECK(f.kind == sim::FailureKind::Deadlock);
  REQUIRE(f.notes.size() == 1);
  CHECK(f.notes[0] == "the lock order predicted this deadlock too (a → b → a)");
  CHECK(contains(sim::to_text(r, {.timing = false}), "  note:   the lock order predicted this deadlock too"));
  const sim::Report again = sim::replay(opposite_locks, f.token);
  const sim::Failure* g = again.find(sim::FailureKind::Deadlock);
  REQUIRE(g != nullptr);
  CHECK(g->same_place(f));
}

TEST_CASE("a gate lock held around both orders is not a potential deadlock") {
  sim::Report serial = run_ordered(gated, {{1, 2}, {2, 1}});
  CHECK(serial.ok());
  sim::require_no_failure(gated, {.iterations = 2000, .seed = 1});
}

TEST_CASE("one thread taking the locks in both orders at different times is not a potential deadlock") {
  sim::Report serial = run_ordered(one_thread_both_orders, {{1, 2}, {2, 1}});
  CHECK(serial.ok());
  sim::require_no_failure(one_thread_both_orders, {.iterations = 2000, .seed = 1});
}

TEST_CASE("orders separated by spawn or join cannot deadlock") {
  auto before_spawn = [] {
    sim::Mutex a{"a"}, b{"b"};
    {
      sim::LockGuard x(a);
      sim::LockGuard y(b);
    }
    sim::Thread worker([&] {
      sim::LockGuard x(b);
      sim::LockGuard y(a);
    }, "worker");
    worker.join();
  };
  sim::require_no_failure(before_spawn, {.iterations = 200, .seed = 1});
  auto after_join = [] {
    sim::Mutex a{"a"}, b{"b"};
    sim::Thread worker([&] {
      sim::LockGuard x(a);
      sim::LockGuard y(b);
    }, "worker");
    worker.join();
    sim::LockGuard x(b);
    sim::LockGuard y(a);
  };
  sim::require_no_failure(after_join, {.iterations = 200, .seed = 1});
}

TEST_CASE("a try_lock cannot wait, so it closes no cycle") {
  auto body = [] {
    sim::Mutex a{"a"}, b{"b"};
    sim::Thread alice([&] {
      sim::LockGuard x(a);
      if (b.try_lock()) b.unlock();
    }, "alice");
    sim::Thread bob([&] {
      sim::LockGuard x(b);
      sim::LockGuard y(a);
    }, "bob");
    alice.join();
    bob.join();
  };
  sim::require_no_failure(body, {.iterations = 1000, .seed = 1});
}

TEST_CASE("a three-lock cycle names its three edges") {
  auto body = [] {
    sim::Mutex a{"a"}, b{"b"}, c{"c"};
    auto nested = [](sim::Mutex& first, sim::Mutex& second) {
      sim::LockGuard x(first);
      sim::LockGuard y(second);
    };
    sim::Thread alice([&] { nested(a, b); }, "alice");
    sim::Thread bob([&] { nested(b, c); }, "bob");
    sim::Thread carol([&] { nested(c, a); }, "carol");
    alice.join();
    bob.join();
    carol.join();
  };
  sim::Report r = run_ordered(body, {{1, 2, 3}});
  REQUIRE(r.failures.size() == 1);
  const sim::Failure& f = r.failures.front();
  CHECK(f.kind == sim::FailureKind::PotentialDeadlock);
  CHECK(contains(f.message, "lock-order cycle a → b → c → a: alice takes b while holding a, bob takes c while holding b, "
                            "carol takes a while holding c"));
  CHECK(f.details.size() == 3);
}

TEST_CASE("the graph spans executions: edges seen in different executions close a cycle") {
  // Each thread nests its locks only when it sees `go` set, so which orders show depends on
  // who runs before the setter: execution 1 has only alice's order, execution 2 only bob's.
  auto body = [] {
    sim::Mutex a{"a"}, b{"b"};
    sim::Atomic<bool> go{false, "go"};
    auto nested = [&](sim::Mutex& first, sim::Mutex& second) {
      if (!go.load()) return;
      sim::LockGuard x(first);
      sim::LockGuard y(second);
    };
    sim::Thread alice([&] { nested(a, b); }, "alice");
    sim::Thread bob([&] { nested(b, a); }, "bob");
    sim::Thread setter([&] { go.store(true); }, "setter");
    alice.join();
    bob.join();
    setter.join();
  };
  sim::Report r = run_ordered(body, {{2, 3, 1}, {1, 3, 2}});
  REQUIRE(r.failures.size() == 1);
  const sim::Failure& f = r.failures.front();
  CHECK(f.kind == sim::FailureKind::PotentialDeadlock);
  CHECK(f.execution == 2);
  CHECK(contains(f.message, "a → b → a"));
  REQUIRE(f.notes.size() == 1);
  CHECK(f.notes[0] == "its edges were seen in executions 1, 2; the token replays execution 2, which shows only some of them");
  // The token replays execution 2 exactly (it shows bob's order alone).
  sim::Report again = sim::replay(body, f.token);
  CHECK(again.find(sim::FailureKind::ReplayDivergence) == nullptr);
  CHECK(again.find(sim::FailureKind::PotentialDeadlock) == nullptr);
}

TEST_CASE("with the lock-order checker off, AB/BA run serially reports nothing") {
  OrderStrategy strategy({{1, 2}});
  checker::Checkers checkers({.lock_order = false});
  sim::Observer* observers[] = {&checkers};
  sim::Report r = sim::Runner({.iterations = 1}).run(opposite_locks, strategy, observers);
  CHECK(r.ok());
}
