// Tests that bugs only weak memory orders allow are found, by the default strategy within 1,000
// executions and by exhaustive search, and that their correct versions pass.
#include <doctest/doctest.h>

#include <atomic>
#include <functional>
#include <memory>

#include "interleave/interleave.hpp"
#include "sim/sim.hpp"

// Named: compiled in one unity program with the litmus tests, which use the same short names.
namespace memory_bugs {
namespace {

constexpr auto rlx = std::memory_order_relaxed;
constexpr auto acq = std::memory_order_acquire;
constexpr auto rel = std::memory_order_release;
constexpr auto sc = std::memory_order_seq_cst;

// Found by the default strategy within 1,000 executions and by exhaustive search, and replayed
// from its token.
void require_found(const std::function<void()>& body, sim::FailureKind kind) {
  const sim::Report by_default = sim::explore(body, {.iterations = 1000, .progress = sim::Progress::Off});
  const sim::Failure* f = by_default.find(kind);
  REQUIRE(f != nullptr);
  CHECK(sim::replay(body, f->token).find(kind) != nullptr);
  const sim::Report every = sim::explore(body, {.strategy = sim::Search::Dfs, .progress = sim::Progress::Off});
  CHECK(every.find(kind) != nullptr);
}

// Every execution passes, and the search says it saw them all.
void require_clean(const std::function<void()>& body) {
  const sim::Report every = sim::explore(body, {.strategy = sim::Search::Dfs, .progress = sim::Progress::Off});
  CHECK(every.complete);
  if (!every.ok()) FAIL(sim::to_text(every, {.timing = false}));
}

// Message passing: plain data published by a flag.
void message_passing(std::memory_order store, std::memory_order load) {
  sim::Shared<int> data{0, "data"};
  sim::Atomic<bool> ready{false, "ready"};
  sim::Thread producer([&] {
    data.store(42);
    ready.store(true, store);
  }, "producer");
  sim::Thread consumer([&] {
    if (ready.load(load)) sim::check(data.load() == 42, "the consumer sees the data");
  }, "consumer");
  producer.join();
  consumer.join();
}

// Dekker's entry: raise your flag, enter if the other's is down.
void dekker(std::memory_order store, std::memory_order load) {
  sim::Atomic<int> flag0{0, "flag0"}, flag1{0, "flag1"};
  sim::Atomic<int> inside{0, "inside"};
  auto enter = [&](sim::Atomic<int>& mine, sim::Atomic<int>& other) {
    mine.store(1, store);
    if (other.load(load) != 0) return;
    sim::check(inside.fetch_add(1, rlx) == 0, "one task in the critical section");
  };
  sim::Thread a([&] { enter(flag0, flag1); }, "a");
  sim::Thread b([&] { enter(flag1, flag0); }, "b");
  a.join();
  b.join();
}

// A seqlock (Boehm, "Can seqlocks get along with programming language memory models?", 2012):
// the writer makes the count odd, writes both halves, makes it even; a reader that saw the same
// even count before and after must have read one write's halves.
void seqlock(bool writer_fence) {
  sim::Atomic<unsigned> seq{0, "seq"};
  sim::Atomic<int> half1{0, "half1"}, half2{0, "half2"};
  sim::Thread writer([&] {
    seq.store(1, rlx);
    if (writer_fence) sim::atomic_thread_fence(rel);
    half1.store(7, rlx);
    half2.store(7, rlx);
    seq.store(2, rel);
  }, "writer");
  sim::Thread reader([&] {
    const unsigned before = seq.load(acq);
    const int a = half1.load(rlx);
    const int b = half2.load(rlx);
    sim::atomic_thread_fence(acq);
    const unsigned after = seq.load(rlx);
    if (before == after && before % 2 == 0) sim::check(a == b, "a consistent read has both halves of one write");
  }, "reader");
  writer.join();
  reader.join();
}

// Double-checked locking: the fast path loads the pointer without the lock.
struct Widget {
  sim::Shared<int> value{0, "value"};
};
void double_checked(std::memory_order fast_load) {
  sim::Atomic<Widget*> instance{nullptr, "instance"};
  sim::Mutex m{"m"};
  std::unique_ptr<Widget> made;
  auto get = [&] {
    Widget* w = instance.load(fast_load);
    if (w == nullptr) {
      sim::LockGuard guard(m);
      w = instance.load(rlx);
      if (w == nullptr) {
        made = std::make_unique<Widget>();
        w = made.get();
        w->value.store(42);
        instance.store(w, rel);
      }
    }
    sim::check(w->value.load() == 42, "the singleton is built");
  };
  sim::Thread a(get, "a"), b(get, "b");
  a.join();
  b.join();
}

// A single-producer single-consumer ring of two slots, release/acquire on the indices.
void spsc_ring(int items) {
  constexpr unsigned size = 2;
  sim::Shared<int> slot0{0, "slot0"}, slot1{0, "slot1"};
  sim::Shared<int>* slots[size] = {&slot0, &slot1};
  sim::Atomic<unsigned> head{0, "head"}, tail{0, "tail"};
  sim::Thread producer([&] {
    for (int item = 1; item <= items; ++item) {
      const unsigned t = tail.load(rlx);
      while (t - head.load(acq) == size) sim::yield();
      slots[t % size]->store(item);
      tail.store(t + 1, rel);
    }
  }, "producer");
  sim::Thread consumer([&] {
    for (int expected = 1; expected <= items; ++expected) {
      const unsigned h = head.load(rlx);
      while (tail.load(acq) == h) sim::yield();
      sim::check(slots[h % size]->load() == expected, "items come out in order");
      head.store(h + 1, rel);
    }
  }, "consumer");
  producer.join();
  consumer.join();
}

}  // namespace

TEST_CASE("weak memory bugs: the story says which store a stale load read, and which later one it missed") {
  constexpr int store_line = __LINE__ + 4;
  auto body = [] {
    sim::Atomic<int> data{0, "data"}, flag{0, "flag"};
    sim::Thread a([&] {
      data.store(1, rlx);
      flag.store(1, rlx);
    }, "a");
    sim::Thread b([&] {
      if (flag.load(rlx) == 1) sim::check(data.load(rlx) == 1, "b sees the data");
    }, "b");
    a.join();
    b.join();
  };
  const sim::Report r = sim::explore(body, {.strategy = sim::Search::Dfs, .progress = sim::Progress::Off});
  REQUIRE(r.find(sim::FailureKind::AssertionFailed) != nullptr);
  const std::string text = sim::to_text(r, {.timing = false});
  const std::string at = std::string(__FILE__).substr(std::string(__FILE__).rfind("tests/")) + ":" + std::to_string(store_line);
  CHECK(text.find("load data → 0 (the initial value, although a had stored 1 at " + at + ")") != std::string::npos);
}

TEST_CASE("weak memory bugs: the same report on one job and on two, and the token replays it") {
  auto body = [] { seqlock(false); };
  for (const sim::Search search : {sim::Search::Dfs, sim::Search::Portfolio}) {
    const sim::ExploreOptions one{.strategy = search, .iterations = 1000, .jobs = 1, .progress = sim::Progress::Off};
    sim::ExploreOptions two = one;
    two.jobs = 2;
    const sim::Report a = sim::explore(body, one);
    const sim::Report b = sim::explore(body, two);
    REQUIRE(a.find(sim::FailureKind::AssertionFailed) != nullptr);
    CHECK(sim::to_text(a, {.timing = false}) == sim::to_text(b, {.timing = false}));
    const sim::Report again = sim::replay(body, a.find(sim::FailureKind::AssertionFailed)->token);
    REQUIRE(again.find(sim::FailureKind::AssertionFailed) != nullptr);
    CHECK(again.find(sim::FailureKind::AssertionFailed)->schedule.encode() ==
          a.find(sim::FailureKind::AssertionFailed)->token);
  }
}

TEST_CASE("weak memory bugs: message passing with a relaxed flag races on the data; release/acquire does not") {
  require_found([] { message_passing(rlx, rlx); }, sim::FailureKind::DataRace);
  require_found([] { message_passing(rel, rlx); }, sim::FailureKind::DataRace);
  require_clean([] { message_passing(rel, acq); });
}

TEST_CASE("weak memory bugs: Dekker's entry with release/acquire lets both in; with seq_cst one") {
  require_found([] { dekker(rel, acq); }, sim::FailureKind::AssertionFailed);
  require_clean([] { dekker(sc, sc); });
}

TEST_CASE("weak memory bugs: a seqlock without the writer's release fence reads a torn value") {
  require_found([] { seqlock(false); }, sim::FailureKind::AssertionFailed);
  require_clean([] { seqlock(true); });
}

TEST_CASE("weak memory bugs: double-checked locking with a relaxed fast path races on the singleton") {
  require_found([] { double_checked(rlx); }, sim::FailureKind::DataRace);
  require_clean([] { double_checked(acq); });
}

TEST_CASE("weak memory bugs: a release/acquire single-producer single-consumer ring shows no false finding") {
  // Two items: every execution (about 400,000). Three, so that a slot is reused after the
  // producer found the ring full: more than six million, sampled here.
  require_clean([] { spsc_ring(2); });
  const sim::Report sampled = sim::explore([] { spsc_ring(3); }, {.iterations = 1000, .progress = sim::Progress::Off});
  CHECK(sampled.executions == 1000);
  if (!sampled.ok()) FAIL(sim::to_text(sampled, {.timing = false}));
}

// With the race detector off the execution keeps no happens-before clocks, so the model is off:
// Dekker with acquire/release runs sequentially consistently and its bug cannot show. That must
// not read as a proof.
TEST_CASE("weak memory bugs: with the model off, weaker orders are a gap in the report, not a pass") {
  const sim::ExploreOptions off{.strategy = sim::Search::Dfs, .checks = checker::Checks::none(), .progress = sim::Progress::Off};
  const sim::Report weak = sim::explore([] { dekker(rel, acq); }, off);
  CHECK(weak.ok());
  CHECK_FALSE(weak.complete);
  REQUIRE(weak.incomplete.size() == 1);
  CHECK(weak.incomplete[0].kind == sim::GapKind::Sequential);
  CHECK(weak.incomplete[0].count == weak.executions);
  CHECK(sim::to_text(weak, {.timing = false}).find("ran atomic operations given weaker memory orders") != std::string::npos);
  // Two jobs count every execution once.
  sim::ExploreOptions two = off;
  two.jobs = 2;
  const sim::Report split = sim::explore([] { dekker(rel, acq); }, two);
  REQUIRE(split.incomplete.size() == 1);
  CHECK(split.incomplete[0].count == split.executions);
  // seq_cst loses nothing by running sequentially consistently (Dekker's relaxed counter would).
  const sim::Report strong = sim::explore([] { message_passing(sc, sc); }, off);
  CHECK(strong.complete);
  CHECK(strong.incomplete.empty());
}

}  // namespace memory_bugs
