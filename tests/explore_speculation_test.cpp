// Tests DPOR's speculation: branches run ahead on another Execution and adopted by the search
// are the executions the search would have run itself, in the same order, and nothing else.
//
// The search and the one running ahead take turns on this thread here (one more ticket run
// before each of the search's executions), so every step is deterministic; running ahead on
// other threads changes when a run is ready, never what it holds.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "explore_support.hpp"
#include "sim/core/execution.hpp"

using namespace explore_test;

namespace {

struct Walked {
  std::vector<std::vector<sim::Choice>> schedules;  // every execution counted, in order
  std::vector<bool> failed;
  std::uint64_t planned = 0, adopted = 0;
  bool complete = false;
  std::vector<std::string> gaps;  // what the search says it could not cover, and why
};

// A run ahead, and what its execution did.
struct Ahead {
  sim::DporStrategy::Speculated run;
  std::vector<sim::Choice> schedule;
  bool failed = false;
};

// A depth-first DPOR search; with `ahead`, one more branch plan() names is run ahead before each
// of the search's executions (as a second job as fast as the search would), and every run
// waiting is offered to the search.
Walked speculation_walk(const std::function<void()>& body, bool ahead, sim::DporOptions options = {}) {
  sim::DporStrategy search(options), runner(options);
  search.share_names(runner);
  sim::Execution exec, side;
  sim::Observer* mine[] = {&search};
  sim::Observer* theirs[] = {&runner};
  std::vector<Ahead> waiting;
  std::vector<sim::DporStrategy::BranchKey> out;
  sim::DporStrategy::Ticket ticket;
  Walked w;
  while (search.begin_execution()) {
    out.clear();
    for (const Ahead& a : waiting) out.push_back(a.run.key);
    if (ahead) {
      if (search.plan(ticket, out)) {
        ++w.planned;
        runner.load(ticket);
        REQUIRE(runner.begin_execution());
        Ahead& a = waiting.emplace_back();
        a.failed = side.run(body, runner, theirs).has_value();
        runner.take(a.run);
        a.schedule = side.schedule_so_far().choices;
      }
    }
    auto adopted = std::find_if(waiting.begin(), waiting.end(), [&](Ahead& a) { return search.adopt(a.run); });
    if (adopted != waiting.end()) {
      w.schedules.push_back(adopted->schedule);
      w.failed.push_back(adopted->failed);
      ++w.adopted;
    } else {
      w.failed.push_back(exec.run(body, search, mine).has_value());
      w.schedules.push_back(exec.schedule_so_far().choices);
    }
    search.end_execution();
    std::erase_if(waiting, [&](const Ahead& a) { return search.passed(a.run); });
  }
  w.complete = search.complete();
  for (const sim::Gap& g : search.gaps()) w.gaps.push_back(std::to_string(static_cast<int>(g.kind)) + " " + std::to_string(g.count) + " " + g.detail);
  return w;
}

}  // namespace

TEST_CASE("branches run ahead and adopted: the same executions in the same order as the search alone") {
  const std::vector<std::pair<const char*, std::function<void()>>> programs = {
      {"lastzero(4)", [] { lastzero(4); }},
      {"lastzero(6)", [] { lastzero(6); }},
      {"locked_counter(4)", [] { locked_counter(4); }},
      {"lost_update(3)", [] { lost_update(3); }},
      {"readers(4)", [] { readers(4); }},
      {"bank_race", bank_race_2t},
      {"two_locks", two_locks},
      {"tokens(2, 2, notify_one)", [] { tokens(2, 2, false); }},
      {"tokens(2, 3, notify_all)", [] { tokens(2, 3, true); }},
  };
  for (const auto& [name, body] : programs) {
    CAPTURE(name);
    const Walked alone = speculation_walk(body, false);
    const Walked ahead = speculation_walk(body, true);
    CHECK(alone.complete);
    CHECK(ahead.complete);
    CHECK(ahead.schedules == alone.schedules);
    CHECK(ahead.failed == alone.failed);
    CHECK(ahead.gaps == alone.gaps);
    MESSAGE(std::string(name), ": ", alone.schedules.size(), " executions, ", ahead.planned, " run ahead, ", ahead.adopted, " adopted");
  }
}

TEST_CASE("in a larger search, nearly every run ahead is adopted, and they are 40% of its executions") {
  // Each execution of the search here comes with one run ahead, so at most half its executions
  // can be adopted ones (lastzero(8): 320 of 704, from 351 run ahead).
  const Walked alone = speculation_walk([] { lastzero(8); }, false);
  const Walked ahead = speculation_walk([] { lastzero(8); }, true);
  REQUIRE(ahead.schedules == alone.schedules);
  CHECK(ahead.adopted * 10 > ahead.planned * 8);
  CHECK(ahead.adopted * 5 > ahead.schedules.size() * 2);
  MESSAGE("lastzero(8): ", alone.schedules.size(), " executions, ", ahead.planned, " run ahead, ", ahead.adopted, " adopted");
}
