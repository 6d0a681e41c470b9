// Tests condition variables: spurious wake-ups explored, `if` vs `while` around wait, notify_one/all.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "interleave/doctest.hpp"
#include "text_support.hpp"

namespace {

enum class Guard { If, While, Predicate };

// One producer puts one item in a queue (a count); one consumer waits for it and takes it.
template <Guard guard>
void producer_consumer() {
  sim::Mutex m{"m"};
  sim::CondVar ready{"ready"};
  sim::Shared<int> items{0, "items"};
  sim::Thread consumer(
      [&] {
        sim::UniqueLock lock(m);
        if constexpr (guard == Guard::If) {
          if (items.load() == 0) ready.wait(lock);
        } else if constexpr (guard == Guard::While) {
          while (items.load() == 0) ready.wait(lock);
        } else {
          ready.wait(lock, [&] { return items.load() > 0; });
        }
        sim::check(items.load() > 0, "consumed from an empty queue");
        items.store(items.load() - 1);
      },
      "consumer");
  sim::Thread producer(
      [&] {
        {
          sim::LockGuard g(m);
          items.store(items.load() + 1);
        }
        ready.notify_one();
      },
      "producer");
  consumer.join();
  producer.join();
  sim::check(items.load() == 0, "the item was not consumed");
}

}  // namespace

TEST_CASE("`if` around wait fails under a spurious wake-up, found and replayed") {
  sim::Report r = sim::check_random(producer_consumer<Guard::If>, {.iterations = 1000, .seed = 1});
  const sim::Failure* f = r.find(sim::FailureKind::AssertionFailed);
  REQUIRE(f != nullptr);
  CHECK(f->message == "consumed from an empty queue");
  CHECK(f->task_name == "consumer");

  // The story shows the spurious wake-up that caused it.
  bool spurious = false;
  for (const sim::HistoryStep& s : f->history.steps) spurious = spurious || (s.kind == sim::OpKind::Wake && s.flag);
  CHECK(spurious);
  CHECK(contains(sim::to_text(r, {.timing = false}), "(spurious)"));

  sim::Report again = sim::replay(producer_consumer<Guard::If>, f->token);
  const sim::Failure* g = again.find(sim::FailureKind::AssertionFailed);
  REQUIRE(g != nullptr);
  CHECK(g->same_place(*f));
  CHECK(again.find(sim::FailureKind::ReplayDivergence) == nullptr);
}

TEST_CASE("require_failure finds the `if` bug") {
  sim::require_failure(producer_consumer<Guard::If>, sim::FailureKind::AssertionFailed,
                       {.iterations = 1000, .seed = 7});
}

TEST_CASE("with spurious wake-ups turned off the `if` version passes: the bug needs one") {
  sim::require_no_failure(
      producer_consumer<Guard::If>,
      {.iterations = 2000, .seed = 1, .limits = {.spurious_wakeups = sim::ExecutionLimits::Spurious::Never}});
}

TEST_CASE("`while` around wait passes many executions") {
  sim::Report r = sim::require_no_failure(producer_consumer<Guard::While>, {.iterations = 5000, .seed = 1});
  CHECK(r.executions == 5000);
}

TEST_CASE("wait with a predicate passes many executions") {
  sim::Report r = sim::require_no_failure(producer_consumer<Guard::Predicate>, {.iterations = 5000, .seed = 2});
  CHECK(r.executions == 5000);
}

TEST_CASE("notify_all wakes every waiter; notify_one to two waiters leaves one stuck") {
  auto body = [](bool all) {
    sim::Mutex m{"m"};
    sim::CondVar go{"go"};
    sim::Shared<int> open{0, "open"};
    sim::Shared<int> through{0, "through"};
    auto wait_for_open = [&] {
      sim::UniqueLock lock(m);
      while (open.load() == 0) go.wait(lock);
      through.store(through.load() + 1);
    };
    sim::Thread w1(wait_for_open, "w1"), w2(wait_for_open, "w2");
    {
      sim::LockGuard g(m);
      open.store(1);
    }
    if (all) {
      go.notify_all();
    } else {
      go.notify_one();
    }
    w1.join();
    w2.join();
    sim::check(through.load() == 2, "a waiter did not get through");
  };
  sim::require_no_failure([&] { body(true); }, {.iterations = 3000, .seed = 1});
  // With one notify and both waiting before it, one waiter is never woken (unless spuriously).
  sim::Failure f =
      sim::require_failure([&] { body(false); }, sim::FailureKind::Deadlock, {.iterations = 3000, .seed = 1});
  CHECK(contains(f.message, "blocked"));
}

TEST_CASE("a bounded buffer with two producers and two consumers stays consistent") {
  auto body = [] {
    constexpr int capacity = 1;
    sim::Mutex m{"m"};
    sim::CondVar not_full{"not_full"}, not_empty{"not_empty"};
    sim::Shared<int> count{0, "count"};
    sim::Shared<int> consumed{0, "consumed"};
    auto produce = [&] {
      sim::UniqueLock lock(m);
      not_full.wait(lock, [&] { return count.load() < capacity; });
      count.store(count.load() + 1);
      not_empty.notify_one();
    };
    auto consume = [&] {
      sim::UniqueLock lock(m);
      not_empty.wait(lock, [&] { return count.load() > 0; });
      sim::check(count.load() <= capacity, "buffer over capacity");
      count.store(count.load() - 1);
      consumed.store(consumed.load() + 1);
      not_full.notify_one();
    };
    std::vector<sim::Thread> threads;
    threads.emplace_back(produce, "p1");
    threads.emplace_back(produce, "p2");
    threads.emplace_back(consume, "c1");
    threads.emplace_back(consume, "c2");
    for (sim::Thread& t : threads) t.join();
    sim::check(consumed.load() == 2 && count.load() == 0, "items lost");
  };
  // notify_one with two kinds of waiter on two condvars is correct here: each condvar has one
  // kind of waiter. Explore a good number of interleavings.
  sim::require_no_failure(body, {.iterations = 3000, .seed = 3});
}
