// Tests the scenario language's concurrency toolbox: channels, select, rwlocks, latches,
// barriers, semaphore max, recursive and timed mutexes — each misuse scenario found and replayed,
// each correct one clean under exhaustive search, and the semantics the language promises.
#include <doctest/doctest.h>

#include <interleave/interleave.hpp>
#include <string>

#include "lang/interpreter.hpp"
#include "lang/scenario.hpp"
#include "lang_explore_support.hpp"

namespace {

using lang_test::outputs;
using lang_test::program;
using lang_test::scenario;
using lang_test::source_dir;

}  // namespace

TEST_CASE("each toolbox misuse scenario is found, names its object, and its token replays it") {
  struct Case {
    const char* file;
    sim::FailureKind kind;
    const char* says;
  };
  const Case cases[] = {
      {"channel_send_after_close.scn", sim::FailureKind::ChannelMisuse, "sends on channel results, which is closed"},
      {"channel_nobody_sends.scn", sim::FailureKind::Deadlock, "consumer waits to receive on channel jobs, which nobody will send to"},
      {"barrier_wrong_count.scn", sim::FailureKind::Deadlock, "waits at barrier sync for arrivals that never come"},
      {"rwlock_upgrade.scn", sim::FailureKind::LockMisuse, "locks rwlock cache exclusively while holding it shared"},
      {"semaphore_over_release.scn", sim::FailureKind::SyncMisuse, "releases semaphore guard past its max of 1"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.file);
    const auto p = scenario(c.file);
    lang_test::replayed(p, sim::check_random(lang::make_body(p), {.iterations = 1000}), c.kind, c.says);
  }
}

TEST_CASE("the correct toolbox scenarios never fail under exhaustive search") {
  // DPOR where it handles the primitive; depth-first search for the mutex flavours, which it does not.
  const std::pair<const char*, sim::Search> cases[] = {
      {"channel_pipeline.scn", sim::Search::Dpor}, {"select_default.scn", sim::Search::Dpor},
      {"rwlock_readers_writer.scn", sim::Search::Dpor}, {"latch_start.scn", sim::Search::Dpor},
      {"barrier_phases.scn", sim::Search::Dpor}, {"timed_mutex.scn", sim::Search::Dfs},
      {"recursive_mutex.scn", sim::Search::Dfs}};
  for (const auto& [name, search] : cases) lang_test::passes_exhaustive(name, search);
}

TEST_CASE("recv: the values in order, then 0 and ok = false once closed and drained") {
  const std::string text =
      "channel c(2)\nthread t:\n    let x = 9\n    let ok = false\n    send c, 7\n    send c, 8\n    close c\n"
      "    repeat 3:\n        recv c, x, ok\n        print x, ok\n";
  CHECK(outputs(text) == std::vector<std::string>{"7 true\n8 true\n0 false\n"});
}

TEST_CASE("for x in c: receives every value sent, until the channel is closed") {
  const std::string text =
      "channel c\nthread p:\n    send c, 1\n    send c, 2\n    close c\nthread q:\n    for x in c:\n        print x\n"
      "    print \"done\"\n";
  CHECK(outputs(text) == std::vector<std::string>{"1\n2\ndone\n"});
}

TEST_CASE("select: every ready case is explored, and else is taken only when none is ready") {
  const std::string both =
      "channel a(1), b(1)\nthread t:\n    send a, 1\n    send b, 2\n    let x = 0\n    select:\n"
      "        recv a, x:\n            print \"a\", x\n        recv b, x:\n            print \"b\", x\n";
  CHECK(outputs(both) == std::vector<std::string>{"a 1\n", "b 2\n"});
  const std::string none =
      "channel a(1)\nthread t:\n    select:\n        recv a:\n            print \"got\"\n        else:\n            print \"nothing\"\n";
  CHECK(outputs(none) == std::vector<std::string>{"nothing\n"});
  const std::string sends =
      "channel a(1)\nthread t:\n    let x = 0\n    select:\n        send a, 5:\n            pass\n    recv a, x\n    print x\n";
  CHECK(outputs(sends) == std::vector<std::string>{"5\n"});
}

TEST_CASE("an unbounded channel never makes a sender wait") {
  const std::string text = "channel c(unbounded)\nthread t:\n    for i in 0..50:\n        send c, i\n    print \"sent\"\n";
  CHECK(outputs(text) == std::vector<std::string>{"sent\n"});
}

TEST_CASE("lock ... for: the timed mutex is taken in time or the else block runs; both are explored") {
  const std::string text =
      "timed mutex m\nthread holder:\n    lock m:\n        yield\nthread waiter:\n    lock m for 10ms:\n        print \"taken\"\n"
      "    else:\n        print \"timed out\"\n";
  CHECK(outputs(text) == std::vector<std::string>{"taken\n", "timed out\n"});
}

TEST_CASE("a recursive mutex may be locked again by its holder; a plain one may not") {
  CHECK(outputs("recursive mutex m\nthread t:\n    lock m:\n        lock m:\n            print \"in\"\n") ==
        std::vector<std::string>{"in\n"});
  const sim::Report r = sim::check_random(lang::make_body(program("mutex m\nthread t:\n    lock m:\n        lock m:\n            pass\n")),
                                          {.iterations = 10});
  CHECK(r.find(sim::FailureKind::LockMisuse) != nullptr);
}

TEST_CASE("latches and barriers: count_down by n, arrive_and_wait, arrive_and_drop") {
  CHECK(outputs("latch l = 3\nthread a:\n    count_down l, 2\nthread b:\n    arrive_and_wait l\n    print \"open\"\n") ==
        std::vector<std::string>{"open\n"});
  // A party that drops out lowers the count of the next phases.
  CHECK(outputs("barrier b = 2\nthread a:\n    arrive_and_drop b\nthread c:\n    arrive_and_wait b\n    arrive_and_wait b\n"
                "    print \"through\"\n") == std::vector<std::string>{"through\n"});
  const sim::Report over = sim::check_random(lang::make_body(program("latch l = 1\nthread a:\n    count_down l, 2\n")), {.iterations = 5});
  CHECK(over.find(sim::FailureKind::SyncMisuse) != nullptr);
}

TEST_CASE("rwlock: readers share it, a writer excludes them, writer preference holds new readers back") {
  const std::string text =
      "rwlock r prefer writers\nshared x = 0\nthread w:\n    write r:\n        x = 1\n        x = 2\n"
      "thread reader[2]:\n    read r:\n        assert x != 1\n";
  CHECK(outputs(text) == std::vector<std::string>{""});
}

TEST_CASE("toolbox statements inside a procedure called from an atomic block are runtime errors") {
  const std::string text = "channel c(1)\ndef put():\n    send c, 1\nthread t:\n    atomic:\n        put()\n";
  const sim::Report r = sim::check_random(lang::make_body(program(text)), {.iterations = 1});
  const sim::Failure* f = r.find(sim::FailureKind::AssertionFailed);
  REQUIRE(f != nullptr);
  CHECK(f->message.find("'send' inside an 'atomic:' block") != std::string::npos);
}
