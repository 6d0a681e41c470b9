// The std front end: function-local statics. The first thread to reach one initialises it; another
// waits for that or finds it done, and then sees what it did: no race on the static.
#include <sched.h>

#include <array>
#include <thread>
#include <utility>

#include "interleave/doctest.hpp"

namespace {

int made = 0;  // initialisations, over all executions

// `slow`: a step inside the initialisation, so that the other thread arrives meanwhile and waits.
template <bool slow>
struct Settings {
  int level = 0;
  Settings() : level(3) {
    if (slow) sched_yield();
    ++made;
  }
};

// A static lives for the whole process, and only its first use initialises it: each execution
// takes a fresh one of these.
template <bool slow, int N>
Settings<slow>& settings() {
  static Settings<slow> s;  // guarded by __cxa_guard_acquire and __cxa_guard_release
  return s;
}

constexpr int executions = 64;
template <bool slow, int... N>
constexpr std::array<Settings<slow>& (*)(), sizeof...(N)> table(std::integer_sequence<int, N...>) {
  return {&settings<slow, N>...};
}

// Two threads use a fresh static first, each reading what its constructor wrote.
template <bool slow>
void first_use_by_two() {
  static constexpr auto fresh = table<slow>(std::make_integer_sequence<int, executions>{});
  static int next = 0;  // the main task's alone
  made = 0;
  next = 0;
  auto body = [] {
    Settings<slow>& (*get)() = fresh[static_cast<std::size_t>(next++ % executions)];
    std::thread a([get] { sim::check(get().level == 3, "a sees the initialised level"); });
    std::thread b([get] { sim::check(get().level == 3, "b sees the initialised level"); });
    a.join();
    b.join();
  };
  sim::require_no_failure(body, {.iterations = executions, .seed = 2});
  CHECK(made == executions);
}

}  // namespace

TEST_CASE("a function-local static one thread initialised and another finds ready is no race") {
  first_use_by_two<false>();
}

TEST_CASE("a thread that arrives while another initialises a function-local static waits, then sees it") {
  first_use_by_two<true>();
}
namespace {

struct Level {
  int level = 0;
  Level() : level(3) {}
};

}  // namespace

Level& level_once() {
  static Level s;
  return s;
}
// The guard of level_once's static (its Itanium ABI name), cleared at the start of each execution
// so that every execution initialises the static afresh (Level needs no destructor).
extern long long level_once_guard asm("_ZGVZ10level_oncevE1s");

TEST_CASE("every schedule of two threads using a function-local static first is free of races (dfs, complete)") {
  auto body = [] {
    level_once_guard = 0;
    std::thread a([] { sim::check(level_once().level == 3, "a sees the level"); });
    std::thread b([] { sim::check(level_once().level == 3, "b sees the level"); });
    a.join();
    b.join();
  };
  const sim::Report r = sim::explore(body, {.strategy = sim::Search::Dfs});
  CHECK_MESSAGE(r.ok(), checker::render(r));
  CHECK(r.complete);
  CHECK(r.executions > 10);
}
