// Proof on code nobody here wrote: moodycamel's ReaderWriterQueue (lock-free SPSC, and its
// blocking variant on a semaphore) and ConcurrentQueue (lock-free MPMC), headers unmodified as
// Debian installs them, under random search, and the blocking ones also under PCT and DPOR, each
// within a budget: no finding.
#include <concurrentqueue/blockingconcurrentqueue.h>
#include <concurrentqueue/concurrentqueue.h>
#include <readerwriterqueue/readerwriterqueue.h>

#include <algorithm>
#include <cstdint>
#include <thread>
#include <vector>

#include "interleave/doctest.hpp"

namespace {

constexpr int items = 3;

// Under ASan and UBSan (the CI's second stage) each execution is several times slower: the
// searches take a fifth of their budget there, still each many executions of every strategy.
#ifdef INTERLEAVE_SANITIZED
constexpr std::uint64_t budget_divisor = 5;
#else
constexpr std::uint64_t budget_divisor = 1;
#endif

// One producer, one consumer that polls; the consumer must see 1, 2, 3 in order.
void spsc_polling() {
  moodycamel::ReaderWriterQueue<int> q(2);  // small blocks: the producer crosses into a new one
  std::thread producer([&] {
    for (int i = 1; i <= items; ++i) q.enqueue(i);
  });
  std::thread consumer([&] {
    for (int want = 1; want <= items; ++want) {
      int got = 0;
      while (!q.try_dequeue(got)) std::this_thread::yield();
      sim::check(got == want, "out of order or corrupt");
    }
  });
  producer.join();
  consumer.join();
}

// The blocking variant: the consumer sleeps on the queue's semaphore (POSIX sem_t) instead.
void spsc_blocking() {
  moodycamel::BlockingReaderWriterQueue<int> q(2);
  std::thread producer([&] {
    for (int i = 1; i <= items; ++i) q.enqueue(i);
  });
  std::thread consumer([&] {
    for (int want = 1; want <= items; ++want) {
      int got = 0;
      q.wait_dequeue(got);
      sim::check(got == want, "out of order or corrupt");
    }
  });
  producer.join();
  consumer.join();
}

// Two producers, two consumers; every item comes out once. The producers enqueue with tokens:
// without one, the queue tells producers apart by the address of a thread_local, which all tasks
// share in the model (docs/std.md, limits), and two tasks would share one producer.
void mpmc_blocking() {
  moodycamel::BlockingConcurrentQueue<int> q;
  std::vector<int> got_a, got_b;
  std::thread p1([&] {
    moodycamel::ProducerToken token(q);
    q.enqueue(token, 1);
    q.enqueue(token, 2);
  });
  std::thread p2([&] {
    moodycamel::ProducerToken token(q);
    q.enqueue(token, 3);
  });
  std::thread c1([&] {
    for (int i = 0; i < 2; ++i) {
      int v = 0;
      q.wait_dequeue(v);
      got_a.push_back(v);
    }
  });
  std::thread c2([&] {
    int v = 0;
    q.wait_dequeue(v);
    got_b.push_back(v);
  });
  p1.join();
  p2.join();
  c1.join();
  c2.join();
  std::vector<int> all = got_a;
  all.insert(all.end(), got_b.begin(), got_b.end());
  std::sort(all.begin(), all.end());
  sim::check(all == std::vector<int>{1, 2, 3}, "an item lost or duplicated");
}

// The lock-free MPMC queue without blocking: one producer with a producer token, two consumers.
void mpmc_polling() {
  moodycamel::ConcurrentQueue<int> q;
  int sum = 0;
  std::atomic<int> left{2};
  std::thread producer([&] {
    moodycamel::ProducerToken token(q);
    q.enqueue(token, 10);
    q.enqueue(token, 20);
  });
  auto consume = [&] {
    int v = 0;
    while (left.load() > 0) {
      if (q.try_dequeue(v)) {
        __atomic_fetch_add(&sum, v, __ATOMIC_SEQ_CST);
        left.fetch_sub(1);
      } else {
        std::this_thread::yield();
      }
    }
  };
  std::thread c1(consume), c2(consume);
  producer.join();
  c1.join();
  c2.join();
  sim::check(sum == 30, "an item lost or duplicated");
}

// Random within a budget; for the blocking bodies also PCT and DPOR within a budget (a consumer
// that polls starves the producer under PCT's priorities, and gives DPOR endless schedules):
// each must run clean.
void explore_all(void (*body)(), std::uint64_t full_budget, bool blocking) {
  const std::uint64_t budget = full_budget / budget_divisor;
  sim::CheckOptions random{.iterations = budget};
  random.limits.plain_accesses = sim::ExecutionLimits::PlainAccesses::Switch;
  sim::require_no_failure(body, random);
  if (!blocking) return;
  sim::ExploreOptions pct{.strategy = sim::Search::Pct, .iterations = budget, .checks = checker::Checks{}};
  pct.limits.plain_accesses = sim::ExecutionLimits::PlainAccesses::Switch;
  sim::Report p = sim::explore(body, pct);
  INFO(sim::to_text(p, {.timing = false}));
  CHECK(p.ok());
  sim::Report d = sim::explore(body, {.strategy = sim::Search::Dpor, .iterations = budget, .checks = checker::Checks{}});
  INFO(sim::to_text(d, {.timing = false}));
  CHECK(d.ok());
  CHECK(d.executions > 1);
}

}  // namespace

TEST_CASE("ReaderWriterQueue, polling consumer: no finding under random search") { explore_all(&spsc_polling, 300, false); }

TEST_CASE("BlockingReaderWriterQueue: no finding under random, PCT and DPOR") { explore_all(&spsc_blocking, 300, true); }

TEST_CASE("BlockingConcurrentQueue, two producers and two consumers: no finding under random, PCT and DPOR") {
  explore_all(&mpmc_blocking, 150, true);
}

TEST_CASE("ConcurrentQueue with a producer token, polling consumers: no finding under random search") {
  explore_all(&mpmc_polling, 150, false);
}
