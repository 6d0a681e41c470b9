// Differential test of the memory model's two exhaustive searches: small random programs of
// atomics with mixed memory orders, each run under DFS and under DPOR (one job and two), which
// must reach the same set of outcomes. The litmus tests (sim_memory_model_test.cpp) pin the
// model's answers for shapes chosen by hand; these catch DPOR skipping an execution that is not
// equivalent to one it ran (a store choice it failed to reverse) on shapes nobody thought of.
// A failure prints the program and the outcomes on one side only, ready to become a litmus test.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "interleave/interleave.hpp"
#include "sim/sim.hpp"

// Compiled into one translation unit with the other sim_sync suites: its names stay in a
// namespace of their own.
namespace memory_random {

using Outcome = std::vector<int>;
using Outcomes = std::set<Outcome>;

// AddressSanitizer makes each execution several times slower (CI's second stage).
#if defined(__SANITIZE_ADDRESS__)
constexpr int program_count = 40;
#else
constexpr int program_count = 300;
#endif
// A DFS over more executions than this skips its program: three tasks of several steps, each
// load choosing among the stores before it, can run to millions. Of the 300 programs, one needs
// more (at 20,000, 44 did); a release build runs some 300,000 executions a second.
constexpr std::uint64_t dfs_budget = 300'000;
// The most operations in one program, over all its tasks.
constexpr int most_operations = 7;

// splitmix64: the programs are the same on every run and every platform.
struct SplitMix {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  int below(int n) { return static_cast<int>(next() % static_cast<std::uint64_t>(n)); }
  template <class T, std::size_t N>
  T pick(const std::array<T, N>& from) {
    return from[static_cast<std::size_t>(below(static_cast<int>(N)))];
  }
};

enum class Kind { Store, Load, FetchAdd, Cas, Fence };

struct Instr {
  Kind kind;
  int location = 0;  // unused by a fence
  std::memory_order order;
  int value = 0;     // Store: what it stores; Cas: what it writes on success
  int expected = 0;  // Cas
};

struct Program {
  int locations = 2;
  std::vector<std::vector<Instr>> threads;
};

constexpr auto rlx = std::memory_order_relaxed;
constexpr auto acq = std::memory_order_acquire;
constexpr auto rel = std::memory_order_release;
constexpr auto acq_rel = std::memory_order_acq_rel;
constexpr auto sc = std::memory_order_seq_cst;

constexpr std::array<const char*, 3> thread_names{"a", "b", "c"};
constexpr std::array<const char*, 3> location_names{"x", "y", "z"};

Instr random_instr(SplitMix& rng, int locations, int& fresh) {
  Instr i{Kind::Fence, rng.below(locations), sc};
  const int k = rng.below(10);
  if (k < 3) {
    i.kind = Kind::Store;
    i.order = rng.pick(std::array{rlx, rel, sc});
    i.value = fresh++;
  } else if (k < 6) {
    i.kind = Kind::Load;
    i.order = rng.pick(std::array{rlx, acq, sc});
  } else if (k < 7) {
    i.kind = Kind::FetchAdd;
    i.order = rng.pick(std::array{rlx, acq, rel, acq_rel, sc});
  } else if (k < 9) {
    i.kind = Kind::Cas;
    i.order = rng.pick(std::array{rlx, acq, rel, acq_rel, sc});
    i.value = fresh++;
  } else {
    i.order = rng.pick(std::array{acq, rel, acq_rel, sc});
  }
  return i;
}

// 2 or 3 tasks of 1 to 3 operations each, at most `most_operations` in all, over 2 locations
// (sometimes 3). Every store writes a value of its own, so an outcome tells which store was read.
Program random_program(SplitMix& rng) {
  Program p;
  p.locations = rng.below(4) == 0 ? 3 : 2;
  const int tasks = 2 + rng.below(2);
  int used = 0;
  int fresh = 1;
  for (int t = 0; t < tasks; ++t) {
    const int room = most_operations - used - (tasks - t - 1);
    const int n = std::min(1 + rng.below(3), room);
    std::vector<Instr> ops;
    for (int j = 0; j < n; ++j) ops.push_back(random_instr(rng, p.locations, fresh));
    used += n;
    p.threads.push_back(std::move(ops));
  }
  // A compare-exchange expects a value its location may hold: the initial 0, a value stored there,
  // or 1 if something increments it; so that it succeeds in some executions and fails in others.
  for (auto& ops : p.threads) {
    for (Instr& i : ops) {
      if (i.kind != Kind::Cas) continue;
      std::vector<int> candidates{0};
      for (const auto& others : p.threads) {
        for (const Instr& o : others) {
          if (o.location != i.location || &o == &i) continue;
          if (o.kind == Kind::Store || o.kind == Kind::Cas) candidates.push_back(o.value);
          if (o.kind == Kind::FetchAdd) candidates.push_back(1);
        }
      }
      i.expected = candidates[static_cast<std::size_t>(rng.below(static_cast<int>(candidates.size())))];
    }
  }
  return p;
}

const char* order_name(std::memory_order o) {
  switch (o) {
    case std::memory_order_relaxed: return "relaxed";
    case std::memory_order_consume: return "consume";
    case std::memory_order_acquire: return "acquire";
    case std::memory_order_release: return "release";
    case std::memory_order_acq_rel: return "acq_rel";
    case std::memory_order_seq_cst: return "seq_cst";
  }
  return "?";
}

// The program as a litmus test would be written, one task a line, results named r1, r2, ... in
// the order the outcome lists them.
std::string listing(const Program& p) {
  std::string out;
  int result = 1;
  for (std::size_t t = 0; t < p.threads.size(); ++t) {
    out += "  thread ";
    out += thread_names[t];
    out += ":";
    for (const Instr& i : p.threads[t]) {
      const std::string loc = location_names[static_cast<std::size_t>(i.location)];
      const std::string order = order_name(i.order);
      const std::string r = "r" + std::to_string(result);
      std::string text;
      switch (i.kind) {
        case Kind::Store: text = loc + ".store(" + std::to_string(i.value) + ", " + order + ")"; break;
        case Kind::Load: text = r + " = " + loc + ".load(" + order + ")"; ++result; break;
        case Kind::FetchAdd: text = r + " = " + loc + ".fetch_add(1, " + order + ")"; ++result; break;
        case Kind::Cas:
          text = r + " = " + loc + ".compare_exchange_strong(" + std::to_string(i.expected) + ", " +
                 std::to_string(i.value) + ", " + order + ")";
          ++result;
          break;
        case Kind::Fence: text = std::string("fence(") + order + ")"; break;
      }
      out += " " + text + ";";
    }
    out += "\n";
  }
  out += "  outcome: ";
  if (result > 1) out += "r1..r" + std::to_string(result - 1) + " (a compare-exchange's as ok/old), then ";
  out += "the final";
  for (int l = 0; l < p.locations; ++l) out += std::string(" ") + location_names[static_cast<std::size_t>(l)];
  out += "\n";
  return out;
}

std::string outcome_text(const Program& p, const Outcome& o) {
  std::string out = "{";
  std::size_t k = 0;
  int result = 1;
  auto next = [&] { return k < o.size() ? std::to_string(o[k++]) : std::string("?"); };
  for (const auto& ops : p.threads) {
    for (const Instr& i : ops) {
      if (i.kind == Kind::Store || i.kind == Kind::Fence) continue;
      out += " r" + std::to_string(result++) + "=";
      if (i.kind == Kind::Cas) {
        const std::string ok = next();
        out += (ok == "1" ? "ok/" : "failed/") + next();
      } else {
        out += next();
      }
    }
  }
  for (int l = 0; l < p.locations; ++l) out += std::string(" ") + location_names[static_cast<std::size_t>(l)] + "=" + next();
  return out + " }";
}

void perform(const Instr& i, sim::Atomic<int>& a, std::vector<int>& seen) {
  switch (i.kind) {
    case Kind::Store: a.store(i.value, i.order); break;
    case Kind::Load: seen.push_back(a.load(i.order)); break;
    case Kind::FetchAdd: seen.push_back(a.fetch_add(1, i.order)); break;
    case Kind::Cas: {
      int expected = i.expected;
      seen.push_back(a.compare_exchange_strong(expected, i.value, i.order) ? 1 : 0);
      seen.push_back(expected);  // on success, the value it replaced (which was `expected`)
      break;
    }
    case Kind::Fence: sim::atomic_thread_fence(i.order); break;
  }
}

// One execution: the results of each task in program order, then every location's final value.
Outcome run(const Program& p) {
  sim::Atomic<int> x{0, "x"}, y{0, "y"}, z{0, "z"};
  const std::array<sim::Atomic<int>*, 3> at{&x, &y, &z};
  std::vector<std::vector<int>> seen(p.threads.size());
  std::vector<sim::Thread> tasks;
  tasks.reserve(p.threads.size());
  for (std::size_t t = 0; t < p.threads.size(); ++t) {
    tasks.push_back(sim::Thread([&, t] {
      for (const Instr& i : p.threads[t]) perform(i, *at[static_cast<std::size_t>(i.location)], seen[t]);
    }, thread_names[t]));
  }
  for (sim::Thread& t : tasks) t.join();
  Outcome o;
  for (const auto& s : seen) o.insert(o.end(), s.begin(), s.end());
  for (int l = 0; l < p.locations; ++l) o.push_back(at[static_cast<std::size_t>(l)]->load(sc));
  return o;
}

struct Searched {
  sim::Report report;
  Outcomes outcomes;
};

// Every outcome of `body` under `strategy`, on `jobs` jobs (or as one shard of several).
Searched search(const std::function<Outcome()>& body, sim::Search strategy, std::uint32_t jobs,
                std::uint64_t budget, sim::Shard shard = {}) {
  Searched s;
  std::mutex m;
  sim::ExploreOptions options{.strategy = strategy, .iterations = budget, .jobs = jobs, .shard = shard,
                              .progress = sim::Progress::Off};
  // Jobs and shards share the search only if it is split into units (DPOR's default is one unit).
  if (jobs > 1 || shard.count > 1) options.split_depth = 3;
  s.report = sim::explore([&] {
    const Outcome o = body();
    const std::lock_guard lock(m);
    s.outcomes.insert(o);
  }, options);
  return s;
}

Searched search(const Program& p, sim::Search strategy, std::uint32_t jobs, std::uint64_t budget) {
  return search([&] { return run(p); }, strategy, jobs, budget);
}

// What `a` reached and `b` did not, one outcome a line.
std::string only_in(const Program& p, const Outcomes& a, const Outcomes& b) {
  std::string out;
  for (const Outcome& o : a) {
    if (b.count(o) == 0) out += "    " + outcome_text(p, o) + "\n";
  }
  return out.empty() ? "    (none)\n" : out;
}

std::string mismatch(const Program& p, const char* name, const Searched& dfs, const Searched& other) {
  return "DFS and " + std::string(name) + " reach different outcomes on this program:\n" + listing(p) +
         "  only under DFS (" + std::to_string(dfs.report.executions) + " executions):\n" +
         only_in(p, dfs.outcomes, other.outcomes) + "  only under " + name + " (" +
         std::to_string(other.report.executions) + " executions):\n" + only_in(p, other.outcomes, dfs.outcomes);
}

void check_search(const Program& p, const std::string& name, const Searched& s) {
  INFO(name, " on this program:\n", listing(p), sim::to_text(s.report, {.timing = false}));
  CHECK(s.report.complete);
  CHECK(s.report.ok());
}

TEST_CASE("memory model: DPOR reaches the outcomes DFS reaches on random programs of mixed memory orders") {
  SplitMix rng{20240611};
  int skipped = 0;
  for (int n = 0; n < program_count; ++n) {
    const Program p = random_program(rng);
    const Searched dfs = search(p, sim::Search::Dfs, 1, dfs_budget);
    if (!dfs.report.complete && dfs.report.ok() && dfs.report.executions >= dfs_budget) {
      ++skipped;
      continue;
    }
    check_search(p, "DFS", dfs);
    // DPOR ran no more executions than DFS on any of these programs; split over two jobs it runs
    // a trace once in each unit that reaches it. Room beyond DFS's count, then, but a bound, so
    // that a search gone wrong fails here instead of running on.
    const std::uint64_t room = 4 * dfs.report.executions + 100;
    const Searched dpor = search(p, sim::Search::Dpor, 1, room);
    check_search(p, "DPOR", dpor);
    CHECK_MESSAGE(dpor.outcomes == dfs.outcomes, mismatch(p, "DPOR", dfs, dpor));
    const Searched two_jobs = search(p, sim::Search::Dpor, 2, room);
    check_search(p, "DPOR on two jobs", two_jobs);
    CHECK_MESSAGE(two_jobs.outcomes == dfs.outcomes, mismatch(p, "DPOR on two jobs", dfs, two_jobs));
  }
  // Skipping is for the rare program too large to search: most must be compared.
  INFO(skipped, " of ", program_count, " programs skipped");
  CHECK(skipped * 10 <= program_count);
}

// Found by the test above (program 209 of its seed, minimized). DPOR split into units (two jobs,
// or shards) walks other units' executions, unwatched, to reach its own; those ran with the
// memory model off (no checker kept happens-before in them), so a load had no choice of value
// there, the replay of a path met a choice of task where it had met a choice of value, and the
// search ended incomplete. The model is now on in all of a slice's executions or in none.
TEST_CASE("memory model: DPOR split over two jobs completes when a load may read either of two stores") {
  auto body = [] {
    sim::Atomic<int> x{0, "x"};
    int r1 = 0, r2 = 0;
    sim::Thread a([&] { r1 = x.load(rlx); }, "a");
    sim::Thread b([&] { x.store(1, rlx); r2 = x.load(rlx); }, "b");
    sim::Thread c([&] { x.store(2, rlx); }, "c");
    a.join();
    b.join();
    c.join();
    return Outcome{r1, r2, x.load()};
  };
  const Searched dfs = search(body, sim::Search::Dfs, 1, 0);
  const Searched one_job = search(body, sim::Search::Dpor, 1, 0);
  const Searched two_jobs = search(body, sim::Search::Dpor, 2, 0);
  CHECK(dfs.report.complete);
  CHECK(one_job.report.complete);
  CHECK(one_job.outcomes == dfs.outcomes);
  INFO(sim::to_text(two_jobs.report, {.timing = false}));
  CHECK(two_jobs.report.complete);
  CHECK(two_jobs.outcomes == dfs.outcomes);
  // Two shards, each alone: each completes its half, and the halves reach every outcome.
  const Searched first = search(body, sim::Search::Dpor, 1, 0, {0, 2});
  const Searched second = search(body, sim::Search::Dpor, 1, 0, {1, 2});
  CHECK(first.report.complete);
  CHECK(second.report.complete);
  Outcomes both = first.outcomes;
  both.insert(second.outcomes.begin(), second.outcomes.end());
  CHECK(both == dfs.outcomes);
}

// Found by the test above on another seed (20,000 programs over seven seeds, before the rule
// below). A relaxed or acquire load DPOR need not run before a store it raced with ("free": see
// DporTrace) may be moved past stores in a reversal; b's loads, one loop's, read y three times at
// one place. Moved next to each other with a's store no longer between them, they made two
// identical stretches with nothing changed, so the spin-loop rule parked b where the reversal
// predicted b's next load: the search ended incomplete. Only a task's first access to a
// location is free now.
TEST_CASE("memory model: DPOR completes when a task rereads a location in a loop the spin-loop rule watches") {
  auto body = [] {
    sim::Atomic<int> x{0, "x"}, y{0, "y"}, z{0, "z"};
    std::vector<int> a_saw, b_saw;
    sim::Thread a([&] {
      int expected = 0;
      a_saw.push_back(z.compare_exchange_strong(expected, 1, rel) ? 1 : 0);
      a_saw.push_back(x.load(sc));
      expected = 0;
      a_saw.push_back(y.compare_exchange_strong(expected, 2, rel) ? 1 : 0);
    }, "a");
    sim::Thread b([&] {
      for (const std::memory_order order : {rlx, acq, rlx}) b_saw.push_back(y.load(order));
    }, "b");
    a.join();
    b.join();
    Outcome o = a_saw;
    o.insert(o.end(), b_saw.begin(), b_saw.end());
    return o;
  };
  const Searched dfs = search(body, sim::Search::Dfs, 1, 0);
  const Searched dpor = search(body, sim::Search::Dpor, 1, 0);
  CHECK(dfs.report.complete);
  INFO(sim::to_text(dpor.report, {.timing = false}));
  CHECK(dpor.report.complete);
  CHECK(dpor.outcomes == dfs.outcomes);
}

}  // namespace memory_random
