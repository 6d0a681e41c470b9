// Tests fiber pooling: task stacks are reused across executions and none leak, even when runs fail.
//
// Observed three ways: sim::Fiber::alive() (fibers with a stack in the process), the addresses
// task bodies run at (a reused stack gives the same address again), and the process itself
// (each stack is an mmap with a guard page in /proc/self/maps; VmRSS in /proc/self/status).
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "interleave/interleave.hpp"
#include "sim/core/fiber.hpp"

namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr std::size_t rss_slack_kb = 256 * 1024;  // AddressSanitizer holds freed memory in quarantine
// ...and its allocator maps a new region now and then as the quarantine cycles; a stack leaked per
// execution would still show as thousands of mappings.
constexpr std::size_t map_slack = 32;
#else
constexpr std::size_t rss_slack_kb = 8 * 1024;
constexpr std::size_t map_slack = 4;
#endif

std::size_t mappings() {
  std::ifstream maps("/proc/self/maps");
  std::size_t n = 0;
  for (std::string line; std::getline(maps, line);) ++n;
  return n;
}

std::size_t rss_kb() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoul(line.substr(6));
  }
  return 0;
}

std::set<std::uintptr_t> g_stacks;  // where task bodies found themselves running
void note_stack() {
  volatile int here = 0;
  g_stacks.insert(reinterpret_cast<std::uintptr_t>(&here));
}

// Fibers alive and mappings, seen from inside every 1000th execution.
std::vector<std::size_t> g_alive, g_maps;
std::uint64_t g_executions = 0;
void sample() {
  if (++g_executions % 1000 != 0) return;
  g_alive.push_back(sim::Fiber::alive());
  g_maps.push_back(mappings());
}
void clear_samples() {
  g_alive.clear();
  g_maps.clear();
  g_executions = 0;
}
std::size_t spread(const std::vector<std::size_t>& v) {
  if (v.empty()) return ~std::size_t{0};
  const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
  return *hi - *lo;
}

// The bank withdrawal with stack and sample probes, hence not tests/bodies.hpp's; it has no final
// check, so with races off no execution fails and each run does all its iterations.
void bank() {
  sample();
  note_stack();
  sim::Shared<int> balance{100, "balance"};
  auto withdraw = [&] {
    note_stack();
    if (balance.load() >= 80) balance.store(balance.load() - 80);
  };
  sim::Thread alice(withdraw, "alice"), bob(withdraw, "bob");
  alice.join();
  bob.join();
}

void deadlock() {
  sample();
  sim::Mutex a{"a"}, b{"b"};
  sim::Thread alice(
      [&] {
        sim::LockGuard x(a);
        sim::LockGuard y(b);
      },
      "alice");
  sim::Thread bob(
      [&] {
        sim::LockGuard x(b);
        sim::LockGuard y(a);
      },
      "bob");
  alice.join();
  bob.join();
}

void many_threads() {
  sample();
  sim::Atomic<int> n{0, "n"};
  std::vector<sim::Thread> threads;
  for (int i = 0; i < 64; ++i) {
    threads.emplace_back([&] {
      note_stack();
      n.fetch_add(1);
    });
  }
  for (sim::Thread& t : threads) t.join();
  sim::check(n.load() == 64);
}

}  // namespace

TEST_CASE("tasks run on a handful of reused stacks, execution after execution") {
  const std::size_t before = sim::Fiber::alive();
  g_stacks.clear();
  clear_samples();
  sim::Report r = sim::check_random(bank, {.iterations = 2000, .seed = 1, .checks = {.races = false}});
  CHECK(r.executions == 2000);
  // 6000 task bodies ran (main, alice, bob per execution) on at most three stacks (and the
  // execution keeps one more, where a crashed task's fault handler goes).
  CHECK(g_stacks.size() <= 3);
  REQUIRE(g_alive.size() == 2);
  CHECK(g_alive.front() <= before + 4);
  CHECK(spread(g_alive) == 0);

  g_stacks.clear();
  clear_samples();
  sim::Report many = sim::check_random(many_threads, {.iterations = 3000, .seed = 1});
  CHECK(many.ok());
  CHECK(many.executions == 3000);
  // 192,000 thread bodies; no more stacks than tasks alive at once in one execution.
  CHECK(g_stacks.size() <= 64);
  REQUIRE(g_alive.size() == 3);
  CHECK(g_alive.front() <= before + 66);
  CHECK(spread(g_alive) == 0);
  CHECK(sim::Fiber::alive() == before);  // the runner's pool went with it
}

TEST_CASE("100,000 executions finish without growing the process") {
  (void)sim::check_random(bank, {.iterations = 1000, .seed = 1, .checks = {.races = false}});  // warm up allocators and the loader
  const std::size_t alive_before = sim::Fiber::alive();
  const std::size_t maps_before = mappings();
  const std::size_t rss_before = rss_kb();
  clear_samples();
  sim::Report r = sim::check_random(bank, {.iterations = 100000, .seed = 2, .checks = {.races = false}});
  CHECK(r.executions == 100000);
  CHECK(r.ok());
  REQUIRE(g_alive.size() == 100);
  CHECK(spread(g_alive) == 0);  // while the runner runs, no fiber is added...
  CHECK(spread(g_maps) <= map_slack);   // ...and no stack mapped
  CHECK(sim::Fiber::alive() == alive_before);
  CAPTURE(maps_before);
  CAPTURE(rss_before);
  CHECK(mappings() <= maps_before + map_slack);
  CHECK(rss_kb() <= rss_before + rss_slack_kb);
}

TEST_CASE("executions stopped by a failure return their fibers to the pool") {
  const std::size_t alive_before = sim::Fiber::alive();
  (void)sim::check_random(deadlock, {.iterations = 100, .seed = 1, .on_failure = sim::OnFailure::Continue});
  const std::size_t maps_before = mappings();
  const std::size_t rss_before = rss_kb();
  clear_samples();
  sim::Report r = sim::check_random(deadlock, {.iterations = 20000, .seed = 1, .on_failure = sim::OnFailure::Continue});
  CHECK(r.executions == 20000);
  CHECK(r.find(sim::FailureKind::Deadlock) != nullptr);
  REQUIRE(g_alive.size() >= 20);
  CHECK(spread(g_alive) == 0);
  CHECK(spread(g_maps) <= map_slack);
  CHECK(sim::Fiber::alive() == alive_before);
  CHECK(mappings() <= maps_before + map_slack);
  CHECK(rss_kb() <= rss_before + rss_slack_kb);

  auto thrower = [] {
    sim::Thread t([] { throw std::runtime_error("again"); }, "t");
    t.join();
  };
  const std::size_t maps_mid = mappings();
  for (int i = 0; i < 2000; ++i) {
    sim::Report e = sim::check_random(thrower, {.iterations = 1, .seed = 1});
    REQUIRE(e.find(sim::FailureKind::UncaughtException) != nullptr);
  }
  CHECK(sim::Fiber::alive() == alive_before);
  CHECK(mappings() <= maps_mid + map_slack);
}

TEST_CASE("runners come and go without leaking stacks") {
  const std::size_t alive_before = sim::Fiber::alive();
  (void)sim::check_random(many_threads, {.iterations = 2, .seed = 1});
  const std::size_t maps_before = mappings();
  for (std::uint64_t seed = 0; seed < 300; ++seed) {
    sim::Report r = sim::check_random(many_threads, {.iterations = 2, .seed = seed});
    REQUIRE(r.ok());
  }
  // 300 runners each made 65 fiber stacks; all of them were freed.
  CHECK(sim::Fiber::alive() == alive_before);
  CHECK(mappings() <= maps_before + map_slack);
}
