// Tests async tasks: coroutines on a simulated event loop, interleaved only at their co_awaits.
#include <doctest/doctest.h>

#include <chrono>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "interleave/doctest.hpp"
#include "text_support.hpp"

using namespace std::chrono_literals;

namespace {

// Two coroutines add to a balance; with a co_await between the read and the write, the
// other coroutine can run in between (the asyncio lost update). Plain ints: one loop, one task.
sim::async::Task<void> deposit(int& balance, bool yield_in_between) {
  const int seen = balance;
  if (yield_in_between) co_await sim::async::yield();
  balance = seen + 10;
}

void two_deposits(bool yield_in_between) {
  int balance = 0;
  sim::async::Loop loop{"loop"};
  sim::Future<void> a = loop.spawn(deposit(balance, yield_in_between), "alice");
  sim::Future<void> b = loop.spawn(deposit(balance, yield_in_between), "bob");
  loop.run();
  sim::check(balance == 20, "a deposit was lost");
}

sim::async::Task<int> consume(sim::Channel<int>& ch) {
  int sum = 0;
  while (std::optional<int> v = co_await sim::async::recv(ch)) sum += *v;
  co_return sum;
}

sim::async::Task<int> twice(sim::Future<int>& f) { co_return 2 * co_await f; }

}  // namespace

TEST_CASE("without a co_await in the middle, deposits never interleave") {
  sim::require_no_failure([] { two_deposits(false); }, {.iterations = 500, .seed = 1});
}

TEST_CASE("a co_await between read and write loses a deposit, found and replayed") {
  sim::Failure f = sim::require_failure([] { two_deposits(true); }, sim::FailureKind::AssertionFailed,
                                        {.iterations = 500, .seed = 1});
  CHECK(f.message == "a deposit was lost");
  // The story shows the loop resuming the two coroutines by name.
  bool alice = false, bob = false;
  for (const sim::HistoryStep& s : f.history.steps) {
    if (s.kind != sim::OpKind::Resume) continue;
    alice = alice || s.value == "alice";
    bob = bob || s.value == "bob";
  }
  CHECK((alice && bob));
}

TEST_CASE("timers fire in deadline order, whatever the schedule") {
  auto body = [] {
    std::vector<int> order;
    auto sleeper = [&](int id, std::chrono::milliseconds d) -> sim::async::Task<void> {
      co_await sim::async::sleep_for(d);
      order.push_back(id);
    };
    sim::async::Loop loop{"loop"};
    sim::Future<void> a = loop.spawn(sleeper(2, 20ms), "slow");
    sim::Future<void> b = loop.spawn(sleeper(1, 10ms), "fast");
    loop.run();
    sim::check(order == std::vector<int>{1, 2}, "a later timer fired first");
  };
  sim::require_no_failure(body, {.iterations = 300, .seed = 1});
}

TEST_CASE("a coroutine awaits a future a thread sets, and a channel a thread feeds") {
  auto body = [] {
    sim::Promise<int> p{"p"};
    sim::Future<int> f = p.get_future();
    sim::Channel<int> ch{"ch", 1};
    sim::async::Loop loop{"loop"};
    sim::Future<int> doubled = loop.spawn(twice(f), "twice");
    sim::Future<int> summed = loop.spawn(consume(ch), "consume");
    sim::Thread feeder(
        [&] {
          p.set_value(21);
          ch.send(1);
          ch.send(2);
          ch.close();
        },
        "feeder");
    loop.run();
    feeder.join();
    sim::check(doubled.get() == 42, "the awaited future gave the wrong value");
    sim::check(summed.get() == 3, "the channel lost a value");
  };
  sim::require_no_failure(body, {.iterations = 1000, .seed = 1});
}

// Coroutines of one loop send through an unbounded channel (a send never waits) to a
// coroutine that receives with co_await; `blocking_send`: through an unbuffered one instead.
void loop_pipeline(std::size_t capacity) {
  sim::Channel<int> ch{"ch", capacity};
  sim::async::Loop loop{"loop"};
  auto produce = [&]() -> sim::async::Task<void> {
    for (int i = 1; i <= 3; ++i) {
      co_await sim::async::yield();
      ch.send(i);
    }
    ch.close();
  };
  sim::Future<int> summed = loop.spawn(consume(ch), "consume");
  sim::Future<void> produced = loop.spawn(produce(), "produce");
  auto total = [&]() -> sim::async::Task<int> { co_return co_await summed; };
  sim::Future<int> t = loop.spawn(total(), "total");
  loop.run();
  sim::check(t.get() == 6, "wrong total");
}

TEST_CASE("coroutines of one loop talk through a channel and await each other's results") {
  sim::require_no_failure([] { loop_pipeline(sim::unbounded); }, {.iterations = 1000, .seed = 1});
}

TEST_CASE("a send that waits, inside a coroutine, blocks the whole loop: a deadlock") {
  // The consumer coroutine cannot run to take the second value while the loop's only task
  // waits in send: the asyncio mistake of calling a blocking function from a coroutine.
  sim::Failure f = sim::require_failure([] { loop_pipeline(0); }, sim::FailureKind::Deadlock, {.iterations = 100, .seed = 1});
  REQUIRE(f.details.size() == 1);
  CHECK(contains(f.details[0], "main waits to send on channel ch, which nobody receives from"));
}

TEST_CASE("an exception in a coroutine comes out of its future") {
  auto body = [] {
    sim::async::Loop loop{"loop"};
    auto fail = []() -> sim::async::Task<int> {
      co_await sim::async::yield();
      throw std::runtime_error("timeout talking to the server");
    };
    auto outer = [&]() -> sim::async::Task<int> { co_return co_await fail() + 1; };  // awaited inline
    sim::Future<int> f = loop.spawn(outer(), "outer");
    loop.run();
    bool thrown = false;
    try {
      f.get();
    } catch (const std::runtime_error&) {
      thrown = true;
    }
    sim::check(thrown, "the exception was lost");
  };
  sim::require_no_failure(body, {.iterations = 100, .seed = 1});
}

TEST_CASE("a coroutine waiting on a channel nobody feeds: the loop's deadlock is reported") {
  auto body = [] {
    sim::Channel<int> ch{"ch"};
    sim::async::Loop loop{"loop"};
    sim::Future<int> f = loop.spawn(consume(ch), "consume");
    loop.run();
  };
  sim::Failure f = sim::require_failure(body, sim::FailureKind::Deadlock, {.iterations = 10, .seed = 1});
  REQUIRE(f.details.size() == 1);
  CHECK(contains(f.details[0], "main waits in event loop loop for a coroutine to be woken"));
}

TEST_CASE("a failing check inside a coroutine stops the execution, and its token replays it") {
  auto body = [] {
    int stock = 1;
    auto buy = [&]() -> sim::async::Task<void> {
      const bool available = stock > 0;
      co_await sim::async::sleep_for(1ms);  // "ask the payment service"
      if (available) --stock;
      sim::check(stock >= 0, "sold more than was in stock");
    };
    sim::async::Loop loop{"shop"};
    sim::Future<void> a = loop.spawn(buy(), "buyer1");
    sim::Future<void> b = loop.spawn(buy(), "buyer2");
    loop.run();
  };
  sim::Failure f = sim::require_failure(body, sim::FailureKind::AssertionFailed, {.iterations = 200, .seed = 1});
  CHECK(f.message == "sold more than was in stock");
}

TEST_CASE("which ready coroutine runs first is explored") {
  std::set<std::string> firsts;
  auto body = [&] {
    std::string first;
    auto mark = [&](std::string name) -> sim::async::Task<void> {
      if (first.empty()) first = name;
      co_return;
    };
    sim::async::Loop loop{"loop"};
    sim::Future<void> a = loop.spawn(mark("a"), "a");
    sim::Future<void> b = loop.spawn(mark("b"), "b");
    loop.run();
    firsts.insert(first);
  };
  sim::require_no_failure(body, {.iterations = 100, .seed = 1});
  CHECK(firsts == std::set<std::string>{"a", "b"});
}

TEST_CASE("run_real: the loop on an OS thread, with a thread feeding it") {
  auto body = [] {
    sim::Promise<int> p{"p"};
    sim::Future<int> f = p.get_future();
    sim::Channel<int> ch{"ch"};
    sim::async::Loop loop{"loop"};
    sim::Future<int> doubled = loop.spawn(twice(f), "twice");
    sim::Future<int> summed = loop.spawn(consume(ch), "consume");
    auto nap = []() -> sim::async::Task<void> { co_await sim::async::sleep_for(1ms); };
    sim::Future<void> n = loop.spawn(nap(), "nap");
    sim::Thread feeder(
        [&] {
          p.set_value(21);
          ch.send(1);
          ch.send(2);
          ch.close();
        },
        "feeder");
    loop.run();
    feeder.join();
    sim::check(doubled.get() == 42 && summed.get() == 3, "wrong results");
  };
  sim::RealReport r = sim::run_real(body, {.runs = 50, .stall_seconds = 5});
  CHECK(r.failed == 0);
  CHECK_FALSE(r.stalled);
  CAPTURE(r.first_failure);
}
