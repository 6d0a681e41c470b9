// explore_bench: figures for the exploration strategies - how close DPOR comes to one execution
// per Mazurkiewicz trace on the Optimal DPOR paper's families, executions per second of the
// exhaustive searches, the speed-up of two jobs over one, and what the checkers cost DPOR.
//
//   explore_bench [SCALE [SECTION]]   SCALE < 1 makes a quick run; SECTION: traces, rate, jobs, checks
//
// Each timed figure is the median of several runs. The jobs figures depend on how busy the
// machine's cores are: the load average is printed next to them.
#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "interleave/explore.hpp"
#include "sim/sim.hpp"

namespace {

using Clock = std::chrono::steady_clock;

// --- the Optimal DPOR paper's families (Abdulla et al., POPL 2014, section 9) ---

// lastzero(N): thread 0 scans array[N..0] for the last zero; thread j sets array[j] to
// array[j-1] + 1. Traces: (N+3) 2^(N-2) (see tests/explore_counts_test.cpp).
void lastzero(int n) {
  std::deque<sim::Shared<int>> a;
  for (int i = 0; i <= n; ++i) a.emplace_back(0, "array[" + std::to_string(i) + "]");
  std::deque<sim::Thread> ts;
  ts.emplace_back([&] {
    for (int i = n; a[i].load() != 0; --i) {
    }
  });
  for (int j = 1; j <= n; ++j) ts.emplace_back([&, j] { a[j].store(a[j - 1].load() + 1); });
  for (auto& t : ts) t.join();
}

// indexer(N): N threads insert 4 values each into a 128-slot hash table by compare-and-swap,
// probing linearly (Flanagan & Godefroid, POPL 2005). Thread t inserts m*11 + t for m = 1..4;
// from N = 12 on, values collide: 3 (N - 11) contested slots, 2^(3 (N - 11)) traces.
void indexer(int n) {
  constexpr int size = 128;
  std::deque<sim::Atomic<int>> table;
  for (int i = 0; i < size; ++i) table.emplace_back(0, "table[" + std::to_string(i) + "]");
  std::deque<sim::Thread> ts;
  for (int tid = 0; tid < n; ++tid) {
    ts.emplace_back([&, tid] {
      for (int m = 1; m <= 4; ++m) {
        const int w = m * 11 + tid;
        for (int h = (w * 7) % size;; h = (h + 1) % size) {
          int expected = 0;
          if (table[h].compare_exchange_strong(expected, w)) break;
        }
      }
    });
  }
  for (auto& t : ts) t.join();
}

// readers(N): one writer of x, N readers of x (each first reads a variable of its own): 2^N.
void readers(int n) {
  sim::Shared<int> x{0, "x"};
  std::deque<sim::Shared<int>> own;
  for (int i = 0; i < n; ++i) own.emplace_back(0, "own" + std::to_string(i));
  std::deque<sim::Thread> ts;
  ts.emplace_back([&] { x.store(1); });
  for (int i = 0; i < n; ++i) {
    ts.emplace_back([&, i] {
      (void)own[i].load();
      (void)x.load();
    });
  }
  for (auto& t : ts) t.join();
}

// Four threads, each incrementing a counter ten times under one mutex.
void counter_locked(int threads, int rounds) {
  sim::Shared<int> counter{0, "counter"};
  sim::Mutex m{"m"};
  std::deque<sim::Thread> ts;
  for (int t = 0; t < threads; ++t) {
    ts.emplace_back([&] {
      for (int i = 0; i < rounds; ++i) {
        sim::LockGuard guard(m);
        counter.store(counter.load() + 1);
      }
    });
  }
  for (auto& t : ts) t.join();
  sim::check(counter.load() == threads * rounds, "lost update");
}

struct Timed {
  sim::Report report;
  sim::ExploreStats stats;
  double seconds = 0;
};

Timed run(const std::function<void()>& body, sim::ExploreOptions options) {
  Timed t;
  options.progress = sim::Progress::Off;
  options.stats = &t.stats;
  const auto start = Clock::now();
  t.report = sim::explore(body, options);
  t.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return t;
}

Timed median(int repeats, const std::function<void()>& body, const sim::ExploreOptions& options) {
  std::vector<Timed> runs;
  for (int i = 0; i < repeats; ++i) runs.push_back(run(body, options));
  std::sort(runs.begin(), runs.end(), [](const Timed& a, const Timed& b) { return a.seconds < b.seconds; });
  return runs[runs.size() / 2];
}

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string one, five;
  in >> one >> five;
  return one.empty() ? "?" : one + " " + five;
}

std::uint64_t pow2(int e) { return std::uint64_t{1} << e; }

void traces(double scale) {
  struct Family {
    const char* name;
    void (*body)(int);
    std::vector<int> sizes;
    std::uint64_t (*traces)(int);
    std::uint64_t (*paper)(int);  // the count the paper's table gives, 0 if none
  };
  const std::vector<Family> families = {
      {"lastzero", &lastzero, {5, 10, 15},
       [](int n) { return static_cast<std::uint64_t>(n + 3) * pow2(n - 2); },
       [](int n) -> std::uint64_t { return n == 5 ? 64 : n == 10 ? 3328 : n == 15 ? 147456 : 0; }},
      {"indexer", &indexer, {12, 13, 14, 15},
       [](int n) { return pow2(3 * (n - 11)); },
       [](int n) -> std::uint64_t { return n >= 12 && n <= 15 ? pow2(3 * (n - 11)) : 0; }},
      {"readers", &readers, {2, 8, 13},
       [](int n) { return pow2(n); },
       [](int n) -> std::uint64_t { return n == 2 || n == 8 || n == 13 ? pow2(n) : 0; }},
  };
  for (const Family& f : families) {
    for (int n : f.sizes) {
      if (scale < 1 && f.traces(n) > 5000) continue;
      Timed t = run([&] { f.body(n); }, {.strategy = sim::Search::Dpor});
      const std::uint64_t paper = f.paper(n);
      fmt::print("case=traces family={} n={} traces={} paper={} dpor_executions={} redundant={} complete={} seconds={:.3f} "
                 "exec_per_s={:.0f} optimal={}\n",
                 f.name, n, f.traces(n), paper == 0 ? std::string("-") : std::to_string(paper), t.report.executions,
                 t.stats.redundant, t.report.complete ? "yes" : "no", t.seconds, t.report.executions / t.seconds,
                 t.report.executions == f.traces(n) && t.stats.redundant == 0 ? "yes" : "no");
    }
  }
}

void rate(double scale, int repeats) {
  const auto budget = static_cast<std::uint64_t>(std::max(1000.0, 50000 * scale));
  for (const auto& [name, search] : {std::pair{"dfs", sim::Search::Dfs}, std::pair{"dpor", sim::Search::Dpor}}) {
    Timed t = median(repeats, [] { counter_locked(4, 10); }, {.strategy = search, .iterations = budget});
    fmt::print("case=rate search={} body=counter_locked_4x10 executions={} seconds={:.3f} exec_per_s={:.0f}\n", name,
               t.report.executions, t.seconds, t.report.executions / t.seconds);
  }
  // A tree DPOR covers in full: 4 threads x 2 rounds have 2520 lock orders.
  Timed t = median(repeats, [] { counter_locked(4, 2); }, {.strategy = sim::Search::Dpor});
  fmt::print("case=rate search=dpor body=counter_locked_4x2 executions={} complete={} seconds={:.3f} exec_per_s={:.0f}\n",
             t.report.executions, t.report.complete ? "yes" : "no", t.seconds, t.report.executions / t.seconds);
}

// Each repeat runs one job then two, back to back, and the figure is the median of the
// repeats' ratios: the speed of this shared machine drifts between runs, and a ratio of runs
// made moments apart is steadier than a ratio of two separate medians.
void jobs(double scale, int repeats) {
  const auto n = [&](double base) { return static_cast<std::uint64_t>(std::max(500.0, base * scale)); };
  struct Case {
    const char* name;
    std::function<void()> body;
    sim::ExploreOptions options;
  };
  const std::vector<Case> cases = {
      {"portfolio counter_locked_4x10", [] { counter_locked(4, 10); }, {.iterations = n(100000)}},
      {"dfs counter_locked_3x2 (complete)", [] { counter_locked(3, 2); }, {.strategy = sim::Search::Dfs}},
      {"dfs lastzero(4)", [] { lastzero(4); }, {.strategy = sim::Search::Dfs, .iterations = n(300000)}},
      {"dpor split=1 lastzero(10) (complete)", [] { lastzero(10); }, {.strategy = sim::Search::Dpor, .split_depth = 1}},
  };
  const int pairs = std::max(repeats, 3) * 2 + 1;
  for (const Case& c : cases) {
    sim::ExploreOptions one = c.options, two = c.options;
    one.jobs = 1;
    two.jobs = 2;
    const std::string before = load_average();
    std::vector<double> seconds_1, seconds_2, ratios;
    bool same = true;
    std::uint64_t executions = 0;
    for (int i = 0; i < pairs; ++i) {
      const Timed a = run(c.body, one);
      const Timed b = run(c.body, two);
      same = same && a.report.executions == b.report.executions;
      executions = a.report.executions;
      seconds_1.push_back(a.seconds);
      seconds_2.push_back(b.seconds);
      ratios.push_back(a.seconds / b.seconds);
    }
    for (auto* v : {&seconds_1, &seconds_2, &ratios}) std::sort(v->begin(), v->end());
    const std::size_t mid = ratios.size() / 2;
    fmt::print("case=jobs search=\"{}\" executions={} same_report={} seconds_1={:.3f} seconds_2={:.3f} speedup={:.2f} "
               "pairs={} load_average=\"{} / {}\"\n",
               c.name, executions, same ? "yes" : "no", seconds_1[mid], seconds_2[mid], ratios[mid], pairs, before,
               load_average());
  }
}

// What the checkers (races, lock order) cost a DPOR search: the same search with and without
// them, the runs alternated so a change in the machine's load falls on both.
void checks(double scale) {
  struct Case {
    const char* name;
    std::function<void()> body;
  };
  const std::vector<Case> cases = {
      {"counter_locked_4x2", [] { counter_locked(4, 2); }},
      {"lastzero(10)", [] { lastzero(10); }},
      {"indexer(15)", [] { indexer(15); }},
  };
  for (const Case& c : cases) {
    sim::ExploreOptions plain{.strategy = sim::Search::Dpor, .on_failure = sim::OnFailure::Continue};
    sim::ExploreOptions checked = plain;
    checked.checks = checker::Checks{};
    std::vector<double> off, on;
    Timed a, b;
    for (int i = 0; i < (scale < 1 ? 1 : 11); ++i) {
      a = run(c.body, plain);
      b = run(c.body, checked);
      off.push_back(a.seconds);
      on.push_back(b.seconds);
    }
    std::sort(off.begin(), off.end());
    std::sort(on.begin(), on.end());
    const double m_off = off[off.size() / 2], m_on = on[on.size() / 2];
    fmt::print("case=checks search=dpor body={} executions={} findings_off={} findings_on={} runs={} seconds_off={:.3f} "
               "seconds_on={:.3f} ratio={:.2f}\n",
               c.name, a.report.executions, a.report.failures.size(), b.report.failures.size(), off.size(), m_off, m_on,
               m_on / m_off);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const double scale = argc > 1 ? std::atof(argv[1]) : 1.0;
  const std::string only = argc > 2 ? argv[2] : "";
  const int repeats = scale < 1 ? 1 : 5;
  if (only.empty() || only == "traces") traces(scale);
  if (only.empty() || only == "rate") rate(scale, repeats);
  if (only.empty() || only == "jobs") jobs(scale, repeats);
  if (only.empty() || only == "checks") checks(scale);
  return 0;
}
