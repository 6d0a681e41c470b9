// Tests the happens-before race detector: races found at once and told with both accesses, none on correct programs.
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <utility>

#include "tests/bodies.hpp"
#include "checker/race_detector.hpp"
#include "sim/core/vector_clock.hpp"
#include "interleave/doctest.hpp"
#include "text_support.hpp"

namespace {

// "path/of/this/file.cpp:line", spelled as reports spell it (the path depends on the build directory).
std::string here(int line) {
  const std::string self = sim::to_string(sim::Location::here());
  return self.substr(0, self.rfind(':') + 1) + std::to_string(line);
}

// The bank withdrawal with no lock, kept here rather than tests/bodies.hpp's: each access is on a line
// of its own so the finding names two places, and there is no final check, so with races off it passes.
constexpr int created_line = __LINE__ + 2;
void racy_bank() {
  sim::Shared<int> balance{100, "balance"};
  auto withdraw = [&] {
    const int seen = balance.load();           // read_line
    if (seen >= 80) balance.store(seen - 80);  // write_line
  };
  sim::Thread alice(withdraw, "alice"), bob(withdraw, "bob");
  alice.join();
  bob.join();
}
constexpr int read_line = created_line + 2;
constexpr int write_line = created_line + 3;

// --- correctly synchronised programs: the detector must stay silent on every one ---

void locked_counter() {
  sim::Shared<int> counter{0, "counter"};
  sim::Mutex m{"m"};
  auto work = [&] {
    for (int i = 0; i < 3; ++i) {
      sim::LockGuard guard(m);
      counter += 1;
    }
  };
  sim::Thread a(work, "a"), b(work, "b"), c(work, "c");
  a.join();
  b.join();
  c.join();
  sim::check(counter.load() == 9, "lost update");
}

void atomic_flag_message() {
  sim::Shared<int> data{0, "data"};
  sim::Atomic<bool> ready{false, "ready"};
  sim::Thread producer([&] {
    data.store(42);
    ready.store(true, std::memory_order_release);
  }, "producer");
  sim::Thread consumer([&] {
    while (!ready.load(std::memory_order_acquire)) sim::yield();
    sim::check(data.load() == 42, "message lost");
  }, "consumer");
  producer.join();
  consumer.join();
}

void join_then_read() {
  sim::Shared<int> result{0, "result"};
  sim::Thread worker([&] { result.store(7); }, "worker");
  worker.join();
  sim::check(result.load() == 7, "result lost");
}

void spawn_after_write() {
  sim::Shared<int> config{0, "config"};
  config.store(3);
  sim::Thread reader([&] { sim::check(config.load() == 3, "config lost"); }, "reader");
  reader.join();
  config.store(4);
}

void condvar_handoff() {
  sim::Shared<int> request{0, "request"};
  sim::Shared<int> reply{0, "reply"};
  sim::Mutex m{"m"};
  sim::CondVar cv{"cv"};
  bool asked = false, answered = false;  // guarded by m
  sim::Thread client([&] {
    sim::UniqueLock lock(m);
    request.store(5);
    asked = true;
    cv.notify_all();
    // Waiting releases m: the server takes it next and reads the request.
    cv.wait(lock, [&] { return answered; });
    sim::check(reply.load() == 10, "wrong reply");
  }, "client");
  sim::Thread server([&] {
    sim::UniqueLock lock(m);
    cv.wait(lock, [&] { return asked; });
    reply.store(request.load() * 2);
    answered = true;
    cv.notify_all();
  }, "server");
  client.join();
  server.join();
}

void rmw_chain() {
  // Two producers publish through fetch_add; the consumer that sees 2 has synchronised with
  // both, because a read-modify-write continues the chain of the one before it.
  sim::Shared<int> a{0, "a"}, b{0, "b"};
  sim::Atomic<int> done{0, "done"};
  sim::Thread pa([&] { a.store(1); done.fetch_add(1); }, "pa");
  sim::Thread pb([&] { b.store(1); done.fetch_add(1); }, "pb");
  sim::Thread consumer([&] {
    while (done.load() != 2) sim::yield();
    sim::check(a.load() + b.load() == 2, "lost a value");
  }, "consumer");
  pa.join();
  pb.join();
  consumer.join();
}

void try_lock_counter() {
  sim::Shared<int> counter{0, "counter"};
  sim::Mutex m{"m"};
  auto work = [&] {
    while (!m.try_lock()) sim::yield();
    counter += 1;
    m.unlock();
  };
  sim::Thread a(work, "a"), b(work, "b");
  a.join();
  b.join();
  sim::check(counter.load() == 2, "lost update");
}

}  // namespace

TEST_CASE("the racy bank is a DataRace in the first execution, with both accesses named") {
  sim::Report r = sim::check_random(racy_bank, {.iterations = 100, .seed = 1});
  const sim::Failure* f = r.find(sim::FailureKind::DataRace);
  REQUIRE(f != nullptr);
  CHECK(f->execution == 1);  // the values come out right there; the race shows all the same
  // Shrunk to no preemption: alice withdraws, then bob reads what she wrote, unordered.
  CHECK(f->message == "bob's read of balance at " + here(read_line) + " is not ordered after alice's write at " +
                          here(write_line) + ": no lock, join or atomic links them");
  REQUIRE(f->details.size() == 1);
  CHECK(f->details[0] == "balance is a shared variable created at " + here(created_line));
  CHECK(contains(sim::to_string(f->where), here(read_line)));
  CHECK(contains(sim::to_string(f->other), here(write_line)));
  CHECK(f->task_name == "bob");
  REQUIRE(f->accesses.size() == 2);
  const sim::Access& first = f->accesses[0];
  const sim::Access& second = f->accesses[1];
  CHECK(first.task_name == "alice");
  CHECK(first.kind == sim::OpKind::Write);
  CHECK(first.value == "20");
  CHECK(second.task_name == "bob");
  CHECK(second.kind == sim::OpKind::Read);
  CHECK(second.value == "20");
  CHECK(sim::index(first.step) < sim::index(second.step));
  // The story shows both, with their values and step numbers.
  const std::string text = checker::story(*f, {.timing = false});
  CAPTURE(text);
  CHECK(contains(text, "  earlier: step " + std::to_string(sim::index(first.step)) + "  alice  write balance ← 20  at " + here(write_line)));
  CHECK(contains(text, "  later:   step " + std::to_string(sim::index(second.step)) + "  bob    read balance → 20  at " + here(read_line)));

  sim::Report again = sim::replay(racy_bank, f->token);
  const sim::Failure* g = again.find(sim::FailureKind::DataRace);
  REQUIRE(g != nullptr);
  CHECK(g->same_place(*f));
  CHECK(g->message == f->message);
  CHECK(again.find(sim::FailureKind::ReplayDivergence) == nullptr);
}

TEST_CASE("require_failure finds and replays the race") {
  sim::Failure f = sim::require_failure(racy_bank, sim::FailureKind::DataRace, {.iterations = 10, .seed = 7});
  CHECK(f.execution == 1);
}

TEST_CASE("the locked bank has no race in 10,000 executions") {
  sim::Report r = sim::require_no_failure(bodies::bank_locked_2t, {.iterations = 10000, .seed = 1});
  CHECK(r.executions == 10000);
}

TEST_CASE("correctly synchronised programs produce no report at all") {
  const std::pair<const char*, void (*)()> programs[] = {
      {"lock-protected counter", &locked_counter},
      {"message passing through an atomic flag", &atomic_flag_message},
      {"join then read", &join_then_read},
      {"spawn after write", &spawn_after_write},
      {"condvar hand-off", &condvar_handoff},
      {"read-modify-write chain", &rmw_chain},
      {"try_lock counter", &try_lock_counter},
  };
  for (const auto& [name, body] : programs) {
    CAPTURE(name);
    sim::Report r = sim::require_no_failure(body, {.iterations = 2000, .seed = 3});
    CHECK(r.executions == 2000);
  }
}

TEST_CASE("a plain flag instead of an atomic one is a race on the flag and on the data") {
  auto body = [] {
    sim::Shared<int> data{0, "data"};
    sim::Shared<bool> ready{false, "ready"};
    sim::Thread producer([&] {
      data.store(42);
      ready.store(true);
    }, "producer");
    sim::Thread consumer([&] {
      if (ready.load()) sim::check(data.load() == 42, "message lost");
    }, "consumer");
    producer.join();
    consumer.join();
  };
  sim::Report r = sim::check_random(body, {.iterations = 200, .seed = 1});
  std::set<std::string> objects;
  for (const sim::Failure& f : r.failures) {
    CHECK(f.kind == sim::FailureKind::DataRace);
    objects.insert(f.details.at(0).substr(0, f.details.at(0).find(' ')));
  }
  CHECK(objects == std::set<std::string>{"data", "ready"});
  for (const sim::Failure& f : r.failures) {
    const sim::Report replayed = sim::replay(body, f.token);
    bool same = false;
    for (const sim::Failure& g : replayed.failures) same = same || (g.same_place(f) && g.message == f.message);
    CHECK(same);
  }
}

TEST_CASE("the missing edge is explained by what each side held") {
  auto different_locks = [] {
    sim::Shared<int> x{0, "x"};
    sim::Mutex m1{"m1"}, m2{"m2"};
    sim::Thread alice([&] { sim::LockGuard g(m1); x.store(1); }, "alice");
    sim::Thread bob([&] { sim::LockGuard g(m2); x.store(2); }, "bob");
    alice.join();
    bob.join();
  };
  const sim::Failure f = sim::require_failure(different_locks, sim::FailureKind::DataRace, {.iterations = 50});
  CHECK(contains(f.message, "alice held m1 and bob held m2, and different mutexes do not order each other"));

  auto one_side = [] {
    sim::Shared<int> x{0, "x"};
    sim::Mutex m{"m"};
    sim::Thread alice([&] { sim::LockGuard g(m); x.store(1); }, "alice");
    sim::Thread bob([&] { x.store(2); }, "bob");
    alice.join();
    bob.join();
  };
  const sim::Failure g = sim::require_failure(one_side, sim::FailureKind::DataRace, {.iterations = 50});
  CHECK(contains(g.message, "alice held m but bob took no lock"));
}

TEST_CASE("each pair of places is one finding, in either order") {
  constexpr int line = __LINE__ + 3;
  auto body = [] {
    sim::Shared<int> x{0, "x"};
    sim::Thread a([&] { x.store(1); }, "a");
    sim::Thread b([&] { x.store(2); }, "b");
    sim::Thread c([&] { (void)x.load(); }, "c");
    a.join();
    b.join();
    c.join();
  };
  sim::Report r = sim::check_random(body, {.iterations = 300, .seed = 1, .on_failure = sim::OnFailure::Continue});
  std::set<std::set<int>> pairs;
  for (const sim::Failure& f : r.failures) {
    REQUIRE(f.kind == sim::FailureKind::DataRace);
    pairs.insert({static_cast<int>(f.where.line) - line, static_cast<int>(f.other.line) - line});
  }
  // a/b write-write, a/c and b/c write-read: three findings, even though c's read is the
  // later access of two of them (same place, different other place).
  CHECK(r.failures.size() == 3);
  CHECK(pairs == std::set<std::set<int>>{{0, 1}, {0, 2}, {1, 2}});
}

TEST_CASE("same_place compares both places of a two-sided finding, in either order") {
  sim::Failure a, b;
  a.kind = b.kind = sim::FailureKind::DataRace;
  a.where = {"x.cpp", 1};
  a.other = {"x.cpp", 2};
  b.where = {"x.cpp", 1};
  b.other = {"x.cpp", 3};
  CHECK_FALSE(a.same_place(b));
  b.other = {"x.cpp", 2};
  CHECK(a.same_place(b));
  b.where = {"x.cpp", 2};
  b.other = {"x.cpp", 1};
  CHECK(a.same_place(b));
}

TEST_CASE("a later plain store starts a new chain: syncing with it does not order the earlier writer") {
  // C++ semantics: the reader that sees 2 synchronised with the second writer only.
  auto body = [] {
    sim::Shared<int> data{0, "data"};
    sim::Atomic<int> flag{0, "flag"};
    sim::Thread first([&] { data.store(1); flag.store(1); }, "first");
    sim::Thread second([&] { flag.store(2); }, "second");
    sim::Thread reader([&] { if (flag.load() == 2) (void)data.load(); }, "reader");
    first.join();
    second.join();
    reader.join();
  };
  const sim::Failure f = sim::require_failure(body, sim::FailureKind::DataRace, {.iterations = 500});
  CHECK(contains(f.message, "reader's read of data"));
}

TEST_CASE("with races turned off, a racy body reports nothing") {
  sim::Report r = sim::check_random(racy_bank, {.iterations = 200, .seed = 1, .checks = {.races = false}});
  CHECK(r.ok());
}

TEST_CASE("vector clocks: join, cover, grow past the inline entries, compare") {
  sim::VectorClock a, b;
  a.set(0, 3);
  b.set(1, 2);
  b.set(0, 1);
  a.join(b);
  CHECK(a.to_string() == "[3 2]");
  CHECK(a.covers({1, 2}));
  CHECK_FALSE(a.covers({1, 3}));
  CHECK(a.covers({7, 0}));  // clock 0: "never" is covered by everything
  sim::VectorClock big;
  for (std::uint32_t t = 0; t < 20; ++t) big.set(t, t + 1);
  a.join(big);
  CHECK(a.get(19) == 20);
  CHECK(a.get(0) == 3);
  a.assign(b);
  CHECK(a == b);
  CHECK(a.get(19) == 0);  // entries past the assigned size read as 0
  sim::VectorClock moved = std::move(big);
  CHECK(moved.get(10) == 11);
  a.clear();
  CHECK(a.size() == 0);
  CHECK(a == sim::VectorClock{});
}
