// The std front end: std::atomic of every kind and operation, atomic_flag, atomic::wait and
// notify, in unmodified code (their memory orders are std_memory_test.cpp's).
#include <atomic>
#include <thread>

#include "interleave/doctest.hpp"

namespace {

struct Pair {
  int a;
  int b;
};
struct Wide {
  long a;
  long b;
};

}  // namespace

TEST_CASE("every operation of std::atomic<int> gives its value inside a simulation") {
  auto body = [] {
    std::atomic<int> x{5};
    sim::check(x.load() == 5, "load");
    x.store(6);
    sim::check(x.exchange(7) == 6 && x == 7, "exchange");
    int expected = 7;
    sim::check(x.compare_exchange_strong(expected, 8) && x == 8, "cas succeeds");
    sim::check(!x.compare_exchange_strong(expected, 9) && expected == 8, "cas fails and reads");
    expected = 8;
    while (!x.compare_exchange_weak(expected, 10)) {
    }
    sim::check(x.fetch_add(2) == 10 && x.fetch_sub(1) == 12 && x == 11, "add, sub");
    sim::check(x.fetch_and(3) == 11 && x.fetch_or(4) == 3 && x.fetch_xor(1) == 7 && x == 6, "and, or, xor");
    sim::check(++x == 7 && x-- == 7 && (x += 3) == 9, "operators");
  };
  sim::Report r = sim::check_random(body, {.iterations = 1});
  CHECK(r.ok());
  CHECK(r.executions == 1);
}

TEST_CASE("atomics of other widths and kinds: bool, char, short, long, pointers, small and wide structs") {
  auto body = [] {
    std::atomic<bool> flag{false};
    sim::check(!flag.exchange(true) && flag.load(), "bool");
    std::atomic<char> c{'a'};
    c.fetch_add(1);
    sim::check(c == 'b', "char");
    std::atomic<short> s{1};
    s.fetch_or(2);
    sim::check(s == 3, "short");
    std::atomic<long> l{1L << 40};
    sim::check(l.fetch_add(1) == 1L << 40, "long");
    int array[4] = {0, 1, 2, 3};
    std::atomic<int*> p{array};
    p.fetch_add(2);
    sim::check(*p.load() == 2, "pointer arithmetic");
    std::atomic<Pair> pair{Pair{1, 2}};
    Pair old = pair.exchange(Pair{3, 4});
    sim::check(old.a == 1 && pair.load().b == 4, "8-byte struct");
    Pair want{3, 4};
    sim::check(pair.compare_exchange_strong(want, Pair{5, 6}) && pair.load().a == 5, "8-byte struct cas");
    std::atomic<Wide> wide{Wide{1, 2}};
    wide.store(Wide{3, 4});
    sim::check(wide.load().a == 3, "16-byte struct");
  };
  sim::require_no_failure(body, {.iterations = 1});
}

namespace {

void lost_update(bool use_fetch_add) {
  std::atomic<int> n{0};
  auto bump = [&] {
    if (use_fetch_add) {
      n.fetch_add(1);
    } else {
      n.store(n.load() + 1);  // two atomic steps: another thread can come between them
    }
  };
  std::thread a(bump), b(bump);
  a.join();
  b.join();
  sim::check(n == 2, "an increment was lost");
}

}  // namespace

TEST_CASE("a load then a store of an atomic loses an update; fetch_add does not") {
  sim::Failure f = sim::require_failure([] { lost_update(false); }, sim::FailureKind::AssertionFailed, {.iterations = 200});
  CHECK(f.message == "an increment was lost");
  sim::Report d = sim::explore([] { lost_update(true); }, {.strategy = sim::Search::Dpor});
  INFO(sim::to_text(d, {.timing = false}));
  CHECK(d.ok());
  CHECK(d.complete);
}

TEST_CASE("an atomic_flag spin lock orders the plain counter it guards") {
  auto body = [] {
    std::atomic_flag busy = ATOMIC_FLAG_INIT;
    int count = 0;
    auto add = [&] {
      while (busy.test_and_set(std::memory_order_acquire)) std::this_thread::yield();
      ++count;
      busy.clear(std::memory_order_release);
    };
    std::thread a(add), b(add);
    a.join();
    b.join();
    sim::check(count == 2, "lost");
  };
  sim::CheckOptions o{.iterations = 300};
  o.limits.plain_accesses = sim::ExecutionLimits::PlainAccesses::Switch;
  sim::require_no_failure(body, o);
}

TEST_CASE("atomic::wait and notify_one hand over a value; a wait nobody notifies is a deadlock") {
  auto handover = [] {
    std::atomic<int> state{0};
    int data = 0;
    std::thread consumer([&] {
      state.wait(0);
      sim::check(data == 42, "data not visible");
    });
    data = 42;
    state.store(1);
    state.notify_one();
    consumer.join();
  };
  sim::require_no_failure(handover, {.iterations = 300});

  auto forgotten = [] {
    std::atomic<bool> go{false};
    std::thread waiter([&] { go.wait(false); });
    waiter.join();  // nobody ever stores true
  };
  sim::Failure f = sim::require_failure(forgotten, sim::FailureKind::Deadlock, {.iterations = 20});
  bool on_futex = false;
  for (const std::string& d : f.details) on_futex |= d.find("waits on futex") != std::string::npos;
  CHECK(on_futex);
}
