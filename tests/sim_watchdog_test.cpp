// Tests that a task stuck between visible operations past the time budget is reported by name and
// place, with its replay token, and ends the process instead of hanging it.
#include <doctest/doctest.h>

#include <string>

#include "child_process.hpp"
#include "interleave/interleave.hpp"

namespace {

constexpr int last_op_line = __LINE__ + 6;  // the line of x.store below

void spin_forever() {
  sim::Shared<int> x{0, "x"};
  sim::Thread t(
      [&] {
        x.store(1);
        volatile bool busy = true;
        while (busy) {
        }
      },
      "spinner");
  t.join();
}

// Runs the spinning body under a short time budget in a child process.
ChildResult spin_in_child(bool explore) {
  return in_child([explore] {
    if (explore) {
      sim::explore(spin_forever, {.strategy = sim::Search::Random, .iterations = 10, .time_limit = 0.2, .progress = sim::Progress::Off});
    } else {
      sim::check_random(spin_forever, {.iterations = 10, .time_limit = 0.2});
    }
  });
}

void check_report(const ChildResult& r) {
  INFO(r.err);
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("task spinner took no visible operation") != std::string::npos);
  CHECK(r.err.find("sim_watchdog_test.cpp:" + std::to_string(last_op_line)) != std::string::npos);
  CHECK(r.err.find("replay token of the schedule so far: v1.") != std::string::npos);
}

}  // namespace

TEST_CASE("a task that never yields is reported with its name and last place once the time budget is spent (runner)") {
  check_report(spin_in_child(false));
}

TEST_CASE("a task that never yields is reported with its name and last place once the time budget is spent (explorer)") {
  check_report(spin_in_child(true));
}
