// Tests determinism: the same seed gives the same reports and events; different seeds explore differently.
#include <doctest/doctest.h>

#include <cstdint>
#include <set>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "tests/bodies.hpp"
#include "interleave/doctest.hpp"
#include "sim/core/execution.hpp"
#include "sim/core/observer.hpp"
#include "sim/explore/random_strategy.hpp"

namespace {

using bodies::bank_race_2t;

// Three workers on a mutex, a condvar and an atomic: many choices, no bug.
void busy() {
  sim::Mutex m{"m"};
  sim::CondVar cv{"cv"};
  sim::Shared<int> turn{0, "turn"};
  sim::Atomic<int> done{0, "done"};
  auto worker = [&](int me) {
    sim::UniqueLock lock(m);
    cv.wait(lock, [&] { return turn.load() == me; });
    turn.store(me + 1);
    cv.notify_all();
    done.fetch_add(1);
  };
  sim::Thread a([&] { worker(0); }, "a"), b([&] { worker(1); }, "b"), c([&] { worker(2); }, "c");
  a.join();
  b.join();
  c.join();
  sim::check(done.load() == 3);
}

// FNV-1a over every event of every execution: which task did what to which object, where, with what value.
class EventHash final : public sim::Observer {
 public:
  void on_begin(const sim::Execution&) override { mix(0xB5); }
  void on_event(const sim::Execution&, const sim::Event& e) override {
    mix(sim::index(e.step));
    mix(sim::index(e.task));
    mix(static_cast<std::uint64_t>(e.op.kind));
    mix(sim::index(e.op.object));
    mix(e.op.where.line);
    mix(sim::index(e.peer));
    mix(e.flag ? 1 : 0);
    if (e.value.present()) {
      for (char ch : e.value.text()) mix(static_cast<unsigned char>(ch));
    }
    ++events;
  }
  void on_end(const sim::Execution&, const sim::Failure* f) override { mix(f == nullptr ? 0xE0 : 0xE1); }

  std::uint64_t hash = 14695981039346656037ull;
  std::uint64_t events = 0;

 private:
  void mix(std::uint64_t v) {
    for (int i = 0; i < 8; ++i) {
      hash ^= (v >> (8 * i)) & 0xFF;
      hash *= 1099511628211ull;
    }
  }
};

struct Run {
  std::uint64_t hash = 0;
  std::uint64_t events = 0;
  sim::Report report;
};

Run explore(void (*body)(), std::uint64_t seed, std::uint64_t iterations) {
  sim::Runner runner({.iterations = iterations, .on_failure = sim::OnFailure::Continue});
  sim::RandomStrategy strategy(seed);
  EventHash hash;
  sim::Observer* observers[] = {&hash};
  Run run;
  run.report = runner.run(body, strategy, observers);
  run.hash = hash.hash;
  run.events = hash.events;
  return run;
}

}  // namespace

TEST_CASE("the same seed twice gives byte-identical report text") {
  for (std::uint64_t seed : {1u, 2u, 99u}) {
    CAPTURE(seed);
    sim::Report first = sim::check_random(bank_race_2t, {.iterations = 1000, .seed = seed});
    sim::Report second = sim::check_random(bank_race_2t, {.iterations = 1000, .seed = seed});
    REQUIRE_FALSE(first.ok());
    CHECK(first.executions == second.executions);
    CHECK(sim::to_text(first, {.timing = false}) == sim::to_text(second, {.timing = false}));
  }
}

TEST_CASE("the same seed twice gives the same events, execution after execution") {
  Run first = explore(busy, 7, 500);
  Run second = explore(busy, 7, 500);
  CHECK(first.report.ok());
  CHECK(first.events > 500);
  CHECK(first.events == second.events);
  CHECK(first.hash == second.hash);
}

TEST_CASE("different seeds explore different interleavings") {
  std::set<std::uint64_t> hashes;
  for (std::uint64_t seed = 1; seed <= 5; ++seed) hashes.insert(explore(busy, seed, 200).hash);
  CHECK(hashes.size() == 5);

  // The first failing schedule of the bank race is not the same for every seed.
  std::set<std::string> tokens;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    sim::Report r = sim::check_random(bank_race_2t, {.iterations = 1000, .seed = seed});
    const sim::Failure* f = r.find(sim::FailureKind::AssertionFailed);
    REQUIRE(f != nullptr);
    CHECK(f->same_place(
        *sim::check_random(bank_race_2t, {.iterations = 1000, .seed = 1}).find(sim::FailureKind::AssertionFailed)));
    tokens.insert(f->token);
  }
  CHECK(tokens.size() > 1);
}

TEST_CASE("a replayed token gives byte-identical stories") {
  sim::Report r = sim::check_random(bank_race_2t, {.iterations = 1000, .seed = 3});
  const sim::Failure* f = r.find(sim::FailureKind::AssertionFailed);
  REQUIRE(f != nullptr);
  const std::string once = sim::to_text(sim::replay(bank_race_2t, f->token), {.timing = false});
  const std::string twice = sim::to_text(sim::replay(bank_race_2t, f->token), {.timing = false});
  CHECK(once == twice);
  // The replay's story is the story the exploration printed (it was recorded from the token too).
  CHECK(checker::story(sim::replay(bank_race_2t, f->token).failures.front(), {.timing = false}).find(f->token) !=
        std::string::npos);
}

TEST_CASE("a body whose outcome depends on state kept between executions is flagged nondeterministic") {
  static int runs = 0;
  runs = 0;
  auto body = [] {
    ++runs;
    sim::Shared<int> x{0, "x"};
    sim::Thread t([&] { x.store(1); }, "t");
    t.join();
    sim::check(runs != 3, "third time unlucky");
  };
  sim::Report r = sim::check_random(body, {.iterations = 10, .seed = 1});
  const sim::Failure* f = r.find(sim::FailureKind::AssertionFailed);
  REQUIRE(f != nullptr);
  CHECK(f->execution == 3);
  CHECK(f->nondeterministic);
  CHECK(f->replay_note.find("nondeterministic") != std::string::npos);
}

TEST_CASE("executions do not leak state: a global mutex left locked starts unlocked in the next one") {
  static sim::Mutex global{"global"};
  // Each execution ends with `global` still held by a finished task...
  auto leave_locked = [] {
    sim::Thread t([] { global.lock(); }, "t");
    t.join();
  };
  sim::require_no_failure(leave_locked, {.iterations = 3, .seed = 1});
  // ...yet every execution finds it free: no deadlock, no misuse.
  sim::require_no_failure(
      [] {
        sim::Thread t([] { sim::LockGuard g(global); }, "t");
        { sim::LockGuard g(global); }
        t.join();
      },
      {.iterations = 2000, .seed = 1});
}

namespace {
// Keeps (step number, kind) of each event it is given, and says which kinds it ignores.
class Steps final : public sim::Observer {
 public:
  explicit Steps(std::uint64_t ignored = 0) : ignored_(ignored) {}
  std::uint64_t ignored_kinds() const override { return ignored_; }
  void on_event(const sim::Execution&, const sim::Event& e) override { seen.emplace_back(sim::index(e.step), e.op.kind); }
  std::vector<std::pair<std::uint32_t, sim::OpKind>> seen;

 private:
  std::uint64_t ignored_;
};

std::vector<std::pair<std::uint32_t, sim::OpKind>> without(std::vector<std::pair<std::uint32_t, sim::OpKind>> v, sim::OpKind kind) {
  std::erase_if(v, [&](const auto& s) { return s.second == kind; });
  return v;
}
}  // namespace

TEST_CASE("an event kind every observer ignores is not delivered, and the other events keep their numbers") {
  const std::uint64_t finish = std::uint64_t{1} << static_cast<unsigned>(sim::OpKind::Finish);
  auto run = [](std::span<sim::Observer* const> observers) {
    sim::Runner runner({.iterations = 20, .on_failure = sim::OnFailure::Continue});
    sim::RandomStrategy strategy(5);
    runner.run(bodies::bank_locked_2t, strategy, observers);
  };
  Steps all, some(finish);
  sim::Observer* one[] = {&all};
  sim::Observer* other[] = {&some};
  run(one);
  run(other);
  REQUIRE(all.seen.size() > without(all.seen, sim::OpKind::Finish).size());  // finishes were there to skip
  CHECK(some.seen == without(all.seen, sim::OpKind::Finish));
  // With an observer that wants them in the same run, both get every event.
  Steps both_all, both_some(finish);
  sim::Observer* both[] = {&both_all, &both_some};
  run(both);
  CHECK(both_all.seen == all.seen);
  CHECK(both_some.seen == all.seen);
}

namespace {
// Steps, from an observer that keeps happens-before: the memory model is then on.
class ModelSteps final : public sim::Observer {
 public:
  explicit ModelSteps(std::uint64_t ignored = 0) : ignored_(ignored) {}
  std::uint64_t ignored_kinds() const override { return ignored_; }
  bool needs_happens_before() const override { return true; }
  void on_event(const sim::Execution& e, const sim::Event& event) override {
    seen.emplace_back(sim::index(event.step), event.op.kind);
    modelled = modelled && e.memory() != nullptr;
  }
  std::vector<std::pair<std::uint32_t, sim::OpKind>> seen;
  bool modelled = true;

 private:
  std::uint64_t ignored_;
};
}  // namespace

TEST_CASE("with the memory model on, atomics' events no observer uses are not delivered, and the other events keep their numbers") {
  auto bit = [](sim::OpKind k) { return std::uint64_t{1} << static_cast<unsigned>(k); };
  const std::uint64_t atomics = bit(sim::OpKind::AtomicLoad) | bit(sim::OpKind::AtomicStore) | bit(sim::OpKind::AtomicRmw);
  auto run = [](std::span<sim::Observer* const> observers) {
    sim::Runner runner({.iterations = 20, .on_failure = sim::OnFailure::Continue});
    sim::RandomStrategy strategy(5);
    runner.run(
        [] {
          sim::Atomic<int> n{0, "n"};
          sim::Shared<int> plain{0, "plain"};
          sim::Thread t([&] { n.fetch_add(1, std::memory_order_relaxed); plain.store(1); }, "t");
          n.store(5, std::memory_order_release);
          (void)n.load(std::memory_order_acquire);
          t.join();
        },
        strategy, observers);
  };
  ModelSteps all, some(atomics);
  sim::Observer* one[] = {&all};
  sim::Observer* other[] = {&some};
  run(one);
  run(other);
  CHECK(all.modelled);
  CHECK(some.modelled);
  auto kept = all.seen;
  std::erase_if(kept, [&](const auto& s) { return (atomics & bit(s.second)) != 0; });
  REQUIRE(all.seen.size() > kept.size());  // there were atomics' events to drop
  CHECK(some.seen == kept);
}

namespace {
// Keeps the name of task 1 at the end of each execution.
class SecondTaskName final : public sim::Observer {
 public:
  void on_end(const sim::Execution& e, const sim::Failure*) override { seen.push_back(e.task_name(sim::TaskId{1})); }
  std::vector<std::string> seen;
};
}  // namespace

TEST_CASE("a reused task slot takes each execution's own thread name") {
  // Slots keep their names between executions and copy a name only when it changed: names of
  // the same length that differ in the first, a middle or the last byte, short and long.
  static const std::vector<std::string> names = {
      "ab", "ac", "bc", "alice", "alicf", "blice", "bob12345", "bob12346", "cob12345", "worker-number-16",
      "worker-number-17", "worker-mumber-16", "", "thread1", "", "a-name-of-twenty-one!", "a-name-of-twenty-one?"};
  static std::size_t next = 0;
  next = 0;
  auto body = [] {
    sim::Thread t([] {}, names[next++ % names.size()]);
    t.join();
  };
  sim::Runner runner({.iterations = 2 * names.size()});
  sim::RandomStrategy strategy(1);
  SecondTaskName last;
  sim::Observer* observers[] = {&last};
  runner.run(body, strategy, observers);
  REQUIRE(last.seen.size() == 2 * names.size());
  for (std::size_t i = 0; i < last.seen.size(); ++i) {
    const std::string& given = names[i % names.size()];
    CHECK(last.seen[i] == (given.empty() ? "thread1" : given));
  }
}
