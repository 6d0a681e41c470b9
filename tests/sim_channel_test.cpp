// Tests Channel and select: rendezvous, buffers, closing, misuse, deadlock stories, choices, real threads.
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "interleave/doctest.hpp"
#include "failure_support.hpp"
#include "text_support.hpp"

namespace {

// A producer sends 1..3 and closes; a consumer receives until closed: in order, nothing lost.
void pipeline(std::size_t capacity) {
  sim::Channel<int> jobs{"jobs", capacity};
  sim::Thread producer(
      [&] {
        for (int i = 1; i <= 3; ++i) jobs.send(i);
        jobs.close();
      },
      "producer");
  sim::Thread consumer(
      [&] {
        int expect = 1;
        while (std::optional<int> job = jobs.recv()) sim::check(*job == expect++, "jobs out of order");
        sim::check(expect == 4, "a job was lost");
      },
      "consumer");
  producer.join();
  consumer.join();
}

// Two producers, two consumers, a buffer of 2: every value arrives exactly once.
void fan_in_fan_out() {
  sim::Channel<int> ch{"ch", 2};
  sim::Atomic<int> sum{0, "sum"};
  auto produce = [&](int base) {
    ch.send(base + 1);
    ch.send(base + 2);
  };
  auto consume = [&] {
    for (int i = 0; i < 2; ++i) sum.fetch_add(*ch.recv());
  };
  sim::Thread p1([&] { produce(0); }, "p1"), p2([&] { produce(10); }, "p2");
  sim::Thread c1(consume, "c1"), c2(consume, "c2");
  p1.join();
  p2.join();
  c1.join();
  c2.join();
  sim::check(sum.load() == 1 + 2 + 11 + 12, "a value was lost or doubled");
}

}  // namespace

TEST_CASE("an unbuffered pipeline delivers every job in order") {
  sim::require_no_failure([] { pipeline(0); }, {.iterations = 2000, .seed = 1});
}

TEST_CASE("a buffered and an unbounded pipeline deliver every job in order") {
  sim::require_no_failure([] { pipeline(2); }, {.iterations = 2000, .seed = 1});
  sim::require_no_failure([] { pipeline(sim::unbounded); }, {.iterations = 2000, .seed = 1});
}

TEST_CASE("two producers and two consumers on a buffer of two lose nothing") {
  sim::require_no_failure(fan_in_fan_out, {.iterations = 3000, .seed = 1});
}

TEST_CASE("an unbuffered send waits for its receiver: it cannot finish first") {
  auto body = [] {
    sim::Channel<int> ch{"ch"};
    sim::Atomic<int> received{0, "received"};
    sim::Thread r(
        [&] {
          ch.recv();
          received.store(1);
        },
        "receiver");
    ch.send(7);
    // The receiver has taken the value, though it may not have stored yet; it must be inside recv or past it.
    r.join();
    sim::check(received.load() == 1, "the receiver did not get the value");
  };
  sim::require_no_failure(body, {.iterations = 1000, .seed = 1});
}

TEST_CASE("a send after close is ChannelMisuse, found and replayed") {
  // Each producer closes when it is done: the classic bug when there are two of them.
  auto body = [] {
    sim::Channel<int> results{"results", 4};
    auto produce = [&](int v) {
      results.send(v);
      results.close();
    };
    sim::Thread a([&] { produce(1); }, "a"), b([&] { produce(2); }, "b");
    a.join();
    b.join();
  };
  sim::Failure f = sim::require_failure(body, sim::FailureKind::ChannelMisuse, {.iterations = 500, .seed = 1});
  CHECK((contains(f.message, "sends on channel results, which is closed") ||
         contains(f.message, "closes channel results, which")));
}

TEST_CASE("a send on a closed channel is reported with who closed it") {
  auto body = [] {
    sim::Channel<int> ch{"ch", 1};
    ch.close();
    ch.send(1);
  };
  sim::Failure f = sim::require_failure(body, sim::FailureKind::ChannelMisuse, {.iterations = 1});
  CHECK(contains(f.message, "main sends on channel ch, which is closed: main closed it"));
}

TEST_CASE("closing an unbuffered channel while a sender waits fails that sender") {
  auto body = [] {
    sim::Channel<int> ch{"ch"};
    sim::Thread s([&] { ch.send(1); }, "sender");
    ch.close();
    s.join();
  };
  sim::Failure f = sim::require_failure(body, sim::FailureKind::ChannelMisuse, {.iterations = 200, .seed = 1});
  CHECK(f.task_name == "sender");
}

TEST_CASE("receive on a closed channel drains it, then gives nullopt") {
  auto body = [] {
    sim::Channel<int> ch{"ch", 2};
    ch.send(1);
    ch.close();
    sim::check(ch.recv() == std::optional<int>(1), "the buffered value was lost");
    sim::check(!ch.recv().has_value(), "a closed, empty channel gave a value");
  };
  sim::require_no_failure(body, {.iterations = 10});
}

TEST_CASE("a consumer waiting for a job nobody sends: the deadlock story says so") {
  auto body = [] {
    sim::Channel<int> jobs{"jobs"};
    sim::Thread consumer([&] { jobs.recv(); }, "consumer");
    consumer.join();
  };
  sim::Failure f = sim::require_failure(body, sim::FailureKind::Deadlock, {.iterations = 10, .seed = 1});
  CHECK(contains(detail_of(f, "consumer"), "consumer waits to receive on channel jobs, which nobody will send to"));
  CHECK(contains(detail_of(f, "main"), "waits to join consumer"));
}

TEST_CASE("a producer sending to nobody: the deadlock story says so") {
  auto body = [] {
    sim::Channel<int> out{"out", 1};
    out.send(1);
    out.send(2);  // the buffer is full and nobody receives
  };
  sim::Failure f = sim::require_failure(body, sim::FailureKind::Deadlock, {.iterations = 10, .seed = 1});
  CHECK(contains(detail_of(f, "main"), "main waits to send on channel out, which nobody receives from"));
}

TEST_CASE("select takes either ready case: both are explored") {
  std::set<std::size_t> taken;
  auto body = [&] {
    sim::Channel<int> a{"a", 1}, b{"b", 1};
    a.send(1);
    b.send(2);
    int got = 0;
    const std::size_t i = sim::select(sim::on_recv(a, [&](std::optional<int> v) { got = *v; }),
                                      sim::on_recv(b, [&](std::optional<int> v) { got = *v; }));
    sim::check(got == static_cast<int>(i) + 1, "the handler of another case ran");
    taken.insert(i);
  };
  sim::require_no_failure(body, {.iterations = 100, .seed = 1});
  CHECK(taken == std::set<std::size_t>{0, 1});
}

TEST_CASE("select with a default takes it when nothing is ready") {
  auto body = [] {
    sim::Channel<int> a{"a"};
    bool defaulted = false;
    const std::size_t i = sim::select(sim::on_recv(a), sim::otherwise([&] { defaulted = true; }));
    sim::check(i == 1 && defaulted, "the default was not taken");
  };
  sim::require_no_failure(body, {.iterations = 10});
}

TEST_CASE("select waits for a send or a quit signal, whichever comes") {
  auto body = [] {
    sim::Channel<int> jobs{"jobs"};
    sim::Channel<int> quit{"quit"};
    sim::Atomic<int> handled{0, "handled"};
    sim::Thread worker(
        [&] {
          for (bool running = true; running;) {
            sim::select(sim::on_recv(jobs, [&](std::optional<int>) { handled.fetch_add(1); }),
                        sim::on_recv(quit, [&](std::optional<int>) { running = false; }));
          }
        },
        "worker");
    jobs.send(1);
    jobs.send(2);
    quit.close();
    worker.join();
    sim::check(handled.load() == 2, "a job sent before quit was not handled");
  };
  sim::require_no_failure(body, {.iterations = 2000, .seed = 1});
}

TEST_CASE("two selects meet across an unbuffered channel") {
  auto body = [] {
    sim::Channel<int> ch{"ch"};
    sim::Channel<int> never{"never"};
    sim::Atomic<int> got{0, "got"};
    sim::Thread sender([&] { sim::select(sim::on_send(ch, 5), sim::on_recv(never)); }, "sender");
    sim::Thread receiver(
        [&] { sim::select(sim::on_recv(ch, [&](std::optional<int> v) { got.store(*v); }), sim::on_recv(never)); },
        "receiver");
    sender.join();
    receiver.join();
    sim::check(got.load() == 5, "the value did not pass");
  };
  sim::require_no_failure(body, {.iterations = 2000, .seed = 1});
}

TEST_CASE("a select nobody answers: the deadlock story names its channels") {
  auto body = [] {
    sim::Channel<int> jobs{"jobs"}, quit{"quit"};
    sim::Thread consumer([&] { sim::select(sim::on_recv(jobs), sim::on_recv(quit)); }, "consumer");
    consumer.join();
  };
  sim::Failure f = sim::require_failure(body, sim::FailureKind::Deadlock, {.iterations = 10, .seed = 1});
  CHECK(contains(detail_of(f, "consumer"), "consumer waits in select(recv jobs, recv quit)"));
}

TEST_CASE("run_real: channels and select on OS threads") {
  for (std::size_t capacity : {std::size_t{0}, std::size_t{2}, sim::unbounded}) {
    sim::RealReport r = sim::run_real([&] { pipeline(capacity); }, {.runs = 100});
    CHECK(r.failed == 0);
    CHECK_FALSE(r.stalled);
    CAPTURE(r.first_failure);
  }
  sim::RealReport f = sim::run_real(fan_in_fan_out, {.runs = 100});
  CHECK(f.failed == 0);
  auto selects = [] {
    sim::Channel<int> ch{"ch"};
    sim::Channel<int> never{"never"};
    int got = 0;
    sim::Thread sender([&] { sim::select(sim::on_send(ch, 5), sim::on_recv(never)); }, "sender");
    sim::select(sim::on_recv(ch, [&](std::optional<int> v) { got = *v; }), sim::on_recv(never));
    sender.join();
    sim::check(got == 5, "the value did not pass");
  };
  sim::RealReport s = sim::run_real(selects, {.runs = 100, .stall_seconds = 5});
  CHECK(s.failed == 0);
  CHECK_FALSE(s.stalled);
}
