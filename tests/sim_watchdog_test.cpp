// Tests that a task stuck between visible operations past the time budget, or blocked in the
// operating system, is reported by name and place, with its replay token, and ends the process
// instead of hanging it; and that the report allocates nothing.
#include <doctest/doctest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <new>
#include <string>
#include <vector>

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
  CHECK(r.err.find("replay token of the schedule so far: v2.") != std::string::npos);
}

}  // namespace

TEST_CASE("a task that never yields is reported with its name and last place once the time budget is spent (runner)") {
  check_report(spin_in_child(false));
}

TEST_CASE("a task that never yields is reported with its name and last place once the time budget is spent (explorer)") {
  check_report(spin_in_child(true));
}

namespace {

// A stand-in for the C library's allocator lock: while a task holds it, any other allocation on
// the thread waits forever, as malloc does when a signal handler interrupts it and allocates.
std::atomic<bool> g_allocator_held{false};

void* allocate(std::size_t n) {
  while (g_allocator_held.load()) ::pause();
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}

}  // namespace

void* operator new(std::size_t n) { return allocate(n); }
void* operator new[](std::size_t n) { return allocate(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace {

// Runs `spinner` as task allocating_spinner under a short time budget in a child process, and
// checks that the watchdog reported it and ended the process, instead of hanging.
void check_spinner_reported(void (*spinner)()) {
  const ChildResult r = in_child(
      [spinner] {
        sim::check_random(
            [spinner] {
              sim::Thread t(spinner, "allocating_spinner");
              t.join();
            },
            {.iterations = 10, .time_limit = 0.2});
      },
      20);
  INFO(r.err);
  CHECK_FALSE(r.hung);
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("task allocating_spinner took no visible operation") != std::string::npos);
}

}  // namespace

TEST_CASE("the report of a task stuck inside the allocator does not allocate (it used to hang there)") {
  check_spinner_reported([] {
    sim::yield();
    g_allocator_held = true;  // and never lets go, as a task interrupted inside malloc
    volatile bool busy = true;
    while (busy) {
    }
  });
}

TEST_CASE("a task that allocates as it spins is reported, every time (the issue's program hung 3 runs of 6)") {
  for (int run = 0; run < 3; ++run) {
    check_spinner_reported([] {
      volatile bool busy = true;
      std::vector<std::string> v;
      while (busy) {
        v.emplace_back(100, 'x');
        if (v.size() > 1000) v.clear();
      }
    });
  }
}

namespace {

constexpr int relock_line = __LINE__ + 8;  // the line of x.store below

void relock_std_mutex() {
  sim::Shared<int> x{0, "x"};
  sim::Thread t(
      [&] {
        std::mutex m;
        m.lock();
        x.store(1);
        m.lock();  // a std::mutex is outside the model: the OS thread itself waits, forever
      },
      "relocker");
  t.join();
}

void check_blocked(const ChildResult& r) {
  INFO(r.err);
  CHECK_FALSE(r.hung);
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("task relocker is blocked in the operating system (futex: a std::mutex") != std::string::npos);
  CHECK(r.err.find("sim_watchdog_test.cpp:" + std::to_string(relock_line)) != std::string::npos);
  CHECK(r.err.find("replay token of the schedule so far: v") != std::string::npos);
}

}  // namespace

TEST_CASE("a std::mutex locked twice in a task is reported as blocked outside the model, with a time limit") {
  check_blocked(in_child([] { sim::check_random(relock_std_mutex, {.iterations = 1, .time_limit = 0.2}); }, 20));
}

TEST_CASE("a std::mutex locked twice in a task is reported as blocked outside the model, without a time limit") {
  check_blocked(in_child([] { sim::check_random(relock_std_mutex, {.iterations = 1}); }, 30));
}

TEST_CASE("a task stuck before its first visible operation is placed where it was spawned, not at ':0'") {
  constexpr int spawn_line = __LINE__ + 4;
  const ChildResult r = in_child(
      [] {
        sim::check_random([] {
          sim::Thread t([] { for (volatile bool busy = true; busy;) {} }, "early_spinner");
          t.join();
        }, {.iterations = 1, .time_limit = 0.2});
      },
      20);
  INFO(r.err);
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("since it was spawned at tests/sim_watchdog_test.cpp:" + std::to_string(spawn_line) + ".") != std::string::npos);
  CHECK(r.err.find(":0") == std::string::npos);
}
