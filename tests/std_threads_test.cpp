// The std front end: std::thread, std::mutex and plain memory under the scheduler, unmodified
// (this file is compiled with -fsanitize=thread and linked with interleave_std, not libtsan).
#include <pthread.h>

#include <mutex>
#include <string>
#include <thread>

#include "checker/checker.hpp"
#include "interleave/doctest.hpp"
#include "tests/std/bank.hpp"

namespace {

int racy_body_result = 0;

void racy_body() { racy_body_result = std_bank::two_withdrawals(&std_bank::withdraw); }

// Both withdrawals pass the check before either takes: 160 paid out of 100.
void overdraft_body() { sim::check(std_bank::two_withdrawals(&std_bank::withdraw) == 100, "paid out more than the balance"); }

void locked_body() { sim::check(std_bank::two_withdrawals(&std_bank::withdraw_locked) == 100, "paid out more than the balance"); }

sim::CheckOptions switching(std::uint64_t iterations) {
  sim::CheckOptions o{.iterations = iterations};
  o.limits.plain_accesses = sim::ExecutionLimits::PlainAccesses::Switch;
  return o;
}

}  // namespace

TEST_CASE("the racy withdrawals are a data race in the first execution, both places named with their function") {
  sim::Report r = sim::check_random(racy_body, {.iterations = 1});
  const sim::Failure* f = r.find(sim::FailureKind::DataRace);
  REQUIRE(f != nullptr);
  CHECK(r.executions == 1);
  CHECK(f->message.find("std/bank.hpp:") != std::string::npos);
  CHECK(f->message.find("(in withdraw)") != std::string::npos);
  // The local `Account account` of two_withdrawals, by the debug information, member and all.
  // (clang leaves the constructor's stores uninstrumented: the first access is then the thread's,
  // from whose frames another task's local cannot be named, and it is told by its stack offset.)
  INFO(f->message);
#if !defined(__clang__)
  CHECK(f->message.find("account.balance") != std::string::npos);
#else
  CHECK(f->message.find("main's stack") != std::string::npos);
#endif
  CHECK(f->task_name.starts_with("thread"));
  // Replayed from its token, the same race.
  sim::Report again = sim::replay(racy_body, f->token);
  const sim::Failure* g = again.find(sim::FailureKind::DataRace);
  REQUIRE(g != nullptr);
  CHECK(g->same_place(*f));
}

TEST_CASE("with plain accesses switching, the overdraft is found as the assertion, and replayed") {
  sim::Failure f = sim::require_failure(overdraft_body, sim::FailureKind::AssertionFailed, switching(2000));
  CHECK(f.message == "paid out more than the balance");
  // The story shows both threads reading the balance before either writes it.
  const std::string story = sim::to_text(sim::Report{.failures = {f}}, {.timing = false});
  CHECK(story.find("read ") != std::string::npos);
  CHECK(story.find("write ") != std::string::npos);
}

TEST_CASE("without plain accesses switching the overdraft cannot show: a withdrawal runs whole") {
  sim::Report r = sim::check_random(overdraft_body, {.iterations = 300, .checks = {.races = false}});
  CHECK(r.ok());
}

TEST_CASE("the locked withdrawals: no race, no assertion, under random search and under DPOR to completion") {
  sim::Report r = sim::check_random(locked_body, switching(300));
  CHECK(r.ok());
  sim::ExploreOptions o{.strategy = sim::Search::Dpor, .checks = checker::Checks{}};
  o.limits.plain_accesses = sim::ExecutionLimits::PlainAccesses::Switch;
  sim::Report d = sim::explore(locked_body, o);
  INFO(sim::to_text(d, {.timing = false}));
  CHECK(d.ok());
  CHECK(d.complete);
}

TEST_CASE("outside a simulation the same code runs on real threads") {
  CHECK(std_bank::two_withdrawals(&std_bank::withdraw_locked) == 100);
  pthread_t me = pthread_self();
  CHECK(pthread_equal(me, pthread_self()));
}

TEST_CASE("the same token tells the same story, byte for byte") {
  sim::Report r = sim::check_random(overdraft_body, switching(2000));
  const sim::Failure* f = r.find(sim::FailureKind::AssertionFailed);
  REQUIRE(f != nullptr);
  const sim::ExecutionLimits limits = switching(1).limits;  // the token holds choices, not the options
  const std::string a = sim::to_text(sim::replay(overdraft_body, f->token, limits), {.timing = false});
  const std::string b = sim::to_text(sim::replay(overdraft_body, f->token, limits), {.timing = false});
  CHECK(a == b);
  CHECK(a.find("ReplayDivergence") == std::string::npos);
  CHECK(a.find("AssertionFailed") != std::string::npos);
  CHECK(a.find("0x") == std::string::npos);  // no raw address
}

TEST_CASE("threads named with pthread_setname_np are named so in the story") {
  auto body = [] {
    int shared = 0;
    std::thread t([&] {
      pthread_setname_np(pthread_self(), "writer");
      shared = 1;
    });
    shared = 2;
    t.join();
  };
  sim::Report r = sim::check_random(body, {.iterations = 50});
  const sim::Failure* f = r.find(sim::FailureKind::DataRace);
  REQUIRE(f != nullptr);
  CHECK(f->message.find("writer") != std::string::npos);
  CHECK(f->message.find("main") != std::string::npos);
}

TEST_CASE("--interleave-plain-accesses on a test's command line sets the option; a bad one is a diagnostic") {
  sim::CheckOptions o;
  CHECK(sim::apply_command_line({"-tc=x", "--interleave-plain-accesses=switch"}, o).empty());
  CHECK(o.limits.plain_accesses == sim::ExecutionLimits::PlainAccesses::Switch);
  CHECK(sim::apply_command_line({"--interleave-plain-accesses=watch"}, o).empty());
  CHECK(o.limits.plain_accesses == sim::ExecutionLimits::PlainAccesses::Watch);
  CHECK(sim::apply_command_line({"--interleave-plain-accesses=sometimes"}, o) ==
        "interleave: bad argument '--interleave-plain-accesses=sometimes': expected --interleave-plain-accesses=switch or =watch");
  CHECK(sim::apply_command_line({"--interleave-seed=3"}, o).find("unknown argument '--interleave-seed=3'") != std::string::npos);
}

namespace {
thread_local int calls_on_this_thread = 0;
}  // namespace

TEST_CASE("a thread_local used by two threads is reported as what the model cannot see") {
  auto body = [] {
    std::thread a([] { ++calls_on_this_thread; });
    std::thread b([] { ++calls_on_this_thread; });
    a.join();
    b.join();
  };
  sim::Report r = sim::check_random(body, {.iterations = 1});
  const sim::Failure* f = r.find(sim::FailureKind::Unmodelled);
  REQUIRE(f != nullptr);
  CHECK(f->message.find("uses a thread_local that thread1 used first") != std::string::npos);
  CHECK(f->where.line != 0);
  // One thread alone with its thread_local is fine.
  auto alone = [] {
    std::thread a([] { ++calls_on_this_thread; });
    a.join();
  };
  CHECK(sim::check_random(alone, {.iterations = 5}).ok());
  // With no checker watching, the access hooks drop plain accesses early: not those to a thread_local.
  sim::Report unwatched = sim::check_random(body, {.iterations = 1, .checks = checker::Checks::none()});
  REQUIRE(unwatched.find(sim::FailureKind::Unmodelled) != nullptr);
  CHECK(unwatched.find(sim::FailureKind::Unmodelled)->message == f->message);
}

namespace {

// Loops over memory as programs do: most accesses repeat one their thread made since it last
// synchronised (the lock now and then starts a new epoch), and the two threads race throughout.
void loops_body() {
  int total = 0, taken = 0;
  std::mutex m;
  auto work = [&](int from) {
    for (int i = 0; i < 6; ++i) {
      total = total + from + i;
      if (i % 3 == 2) {
        std::lock_guard<std::mutex> lock(m);
        taken = taken + total;
      }
    }
  };
  std::thread a(work, 1);
  std::thread b(work, 100);
  a.join();
  b.join();
  sim::check(taken != 0, "nothing taken");
}

// Needs no event (so it does not stop accesses from being skipped), and counts those it is shown.
struct NeedsNothing final : checker::Checker {
  void on_event(const sim::Execution&, const sim::Event&) override { ++shown; }
  bool unchanged_by(const sim::Execution&, sim::TaskId, sim::ObjectId, sim::OpKind) const override { return true; }
  static inline std::uint64_t shown = 0;
};

// Keeps every event: with it watching, no access is needless, as before accesses were skipped.
struct KeepsEverything final : checker::Checker {};

sim::Report watched(sim::ExploreOptions o, bool keep_everything) {
  o.progress = sim::Progress::Off;
  o.checks.more.emplace_back([] { return std::make_unique<NeedsNothing>(); });
  if (keep_everything) o.checks.more.emplace_back([] { return std::make_unique<KeepsEverything>(); });
  NeedsNothing::shown = 0;
  return sim::explore(loops_body, o);
}

}  // namespace

TEST_CASE("repeated accesses are skipped, and the search finds and tells exactly what it did without skipping") {
  for (const sim::ExploreOptions& o : {sim::ExploreOptions{.strategy = sim::Search::Dpor, .iterations = 400},
                                       sim::ExploreOptions{.iterations = 300}}) {
    const sim::Report skipping = watched(o, false);
    const std::uint64_t shown_skipping = NeedsNothing::shown;
    const sim::Report all = watched(o, true);
    const std::uint64_t shown_all = NeedsNothing::shown;
    INFO(sim::to_text(all, {.timing = false}));
    CHECK(shown_skipping < shown_all);  // some events were not built
    REQUIRE(all.find(sim::FailureKind::DataRace) != nullptr);
    CHECK(skipping.executions == all.executions);
    // The same races at the same steps of the same stories (steps keep their numbers).
    CHECK(sim::to_text(skipping, {.timing = false}) == sim::to_text(all, {.timing = false}));
  }
}
