// Test support for the exploration suites: small programs, and a key naming an execution's
// Mazurkiewicz trace, so tests can count classes of executions and compare two searches.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "tests/bodies.hpp"
#include "interleave/interleave.hpp"
#include "sim/explore/runner.hpp"
#include "sim/explore/dfs_strategy.hpp"
#include "sim/explore/dpor_strategy.hpp"
#include "sim/explore/dpor_trace.hpp"
#include "sim/core/observer.hpp"

namespace explore_test {

// Names the trace of each execution, independently of DporTrace's steps and clocks: the
// events of each task in order, and for each object the order of its accesses, where reads
// between two writes (and failed try_locks) form an unordered group. Two executions have the
// same key exactly when one is a reordering of the other's independent events. Tasks and
// objects go by their stable names (creation path; kind, creation site and name).
class TraceKeys final : public sim::Observer {
 public:
  void on_begin(const sim::Execution& e) override {
    names_.begin(e);
    per_task_.clear();
    objects_.clear();
    events_.clear();
  }
  void on_event(const sim::Execution&, const sim::Event& ev) override {
    if (ev.op.kind == sim::OpKind::Spawn) names_.spawned(ev.task, ev.peer);
    const std::uint32_t t = names_.task(ev.task);
    const std::string me = std::to_string(t) + "." + std::to_string(per_task_[t]++);
    std::string what = me + ":" + std::to_string(static_cast<int>(ev.op.kind)) + (ev.flag ? "!" : "");
    if (ev.peer != sim::no_task && ev.op.kind != sim::OpKind::Spawn && ev.op.kind != sim::OpKind::Join) {
      what += ">" + std::to_string(names_.task(ev.peer));  // who notified whom
    }
    events_.push_back(what);
    // A wake-up touches nothing: the notify already took the waiter off the condvar.
    if (ev.op.object == sim::no_object || ev.op.kind == sim::OpKind::Wake) return;
    const bool read = ev.op.kind == sim::OpKind::Read || ev.op.kind == sim::OpKind::AtomicLoad ||
                      (ev.op.kind == sim::OpKind::TryLock && !ev.flag);
    auto& order = objects_[names_.object(ev.op.object)];
    if (read && !order.empty() && order.back().first) {
      order.back().second.insert(me);
    } else {
      order.push_back({read, {me}});
    }
  }
  void on_end(const sim::Execution&, const sim::Failure*) override {
    std::sort(events_.begin(), events_.end());
    std::string key;
    for (const std::string& e : events_) key += e + " ";
    for (const auto& [object, order] : objects_) {
      key += "|" + std::to_string(object) + ":";
      for (const auto& [read, who] : order) {
        key += read ? "(" : "[";
        for (const std::string& w : who) key += w + ",";
        key += read ? ")" : "]";
      }
    }
    keys.insert(key);
    ++executions;
  }

  std::set<std::string> keys;
  std::uint64_t executions = 0;

 private:
  sim::Identities names_;
  std::map<std::uint32_t, std::uint32_t> per_task_;
  std::map<std::uint32_t, std::vector<std::pair<bool, std::set<std::string>>>> objects_;
  std::vector<std::string> events_;
};

// One exhaustive search (every failure kept), with the traces its executions fall into.
struct Searched {
  sim::Report report;
  std::set<std::string> traces;
  std::uint64_t redundant = 0;
};

inline Searched search_dfs(const std::function<void()>& body, sim::DfsOptions options = {}) {
  sim::DfsStrategy dfs(options);
  TraceKeys keys;
  sim::Observer* observers[] = {&keys};
  sim::Runner runner(sim::RunOptions{.iterations = 50'000'000, .on_failure = sim::OnFailure::Continue});
  Searched s{runner.run(body, dfs, observers), keys.keys, 0};
  return s;
}

inline Searched search_dpor(const std::function<void()>& body, sim::DporOptions options = {}) {
  sim::DporStrategy dpor(options);
  TraceKeys keys;
  sim::Observer* observers[] = {&keys};  // the strategy watches its own executions (observer())
  sim::Runner runner(sim::RunOptions{.iterations = 50'000'000, .on_failure = sim::OnFailure::Continue});
  Searched s{runner.run(body, dpor, observers), keys.keys, dpor.redundant()};
  return s;
}

// --- programs ---

// Two threads, each writing k variables of its own.
inline void independent(int k) {
  std::deque<sim::Shared<int>> a, b;
  for (int i = 0; i < k; ++i) {
    a.emplace_back(0, "a" + std::to_string(i));
    b.emplace_back(0, "b" + std::to_string(i));
  }
  sim::Thread ta([&] { for (auto& x : a) x.store(1); }, "a");
  sim::Thread tb([&] { for (auto& x : b) x.store(1); }, "b");
  ta.join();
  tb.join();
}

// n threads, each writing a variable of its own.
inline void writers(int n) {
  std::deque<sim::Shared<int>> v;
  for (int i = 0; i < n; ++i) v.emplace_back(0, "v" + std::to_string(i));
  std::deque<sim::Thread> ts;
  for (int i = 0; i < n; ++i) ts.emplace_back([&, i] { v[i].store(1); });
  for (auto& t : ts) t.join();
}

// n threads, each incrementing one counter once under one mutex.
inline void locked_counter(int n) {
  sim::Mutex m{"m"};
  sim::Shared<int> counter{0, "counter"};
  std::deque<sim::Thread> ts;
  for (int i = 0; i < n; ++i) {
    ts.emplace_back([&] {
      sim::LockGuard g(m);
      counter.store(counter.load() + 1);
    });
  }
  for (auto& t : ts) t.join();
  sim::check(counter.load() == n, "lost update");
}

// n threads, each incrementing one counter once without a lock.
inline void lost_update(int n) {
  sim::Shared<int> counter{0, "counter"};
  std::deque<sim::Thread> ts;
  for (int i = 0; i < n; ++i) ts.emplace_back([&] { counter.store(counter.load() + 1); });
  for (auto& t : ts) t.join();
  sim::check(counter.load() == n, "lost update");
}

// The Optimal DPOR paper's readers(N): one writer of x, N readers of x (each first reads a
// variable of its own).
inline void readers(int n) {
  sim::Shared<int> x{0, "x"};
  std::deque<sim::Shared<int>> own;
  for (int i = 0; i < n; ++i) own.emplace_back(0, "own" + std::to_string(i));
  std::deque<sim::Thread> ts;
  ts.emplace_back([&] { x.store(1); }, "writer");
  for (int i = 0; i < n; ++i) {
    ts.emplace_back([&, i] {
      (void)own[i].load();
      (void)x.load();
    });
  }
  for (auto& t : ts) t.join();
}

// The Optimal DPOR paper's lastzero(N): thread 0 looks for the last zero in array[0..N];
// thread j sets array[j] to array[j-1] + 1.
inline void lastzero(int n) {
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

// The bank race: two withdrawals of 80 from 100, check and update in separate steps.
using bodies::bank_race_2t;

// Two locks taken in opposite orders.
inline void two_locks() {
  sim::Mutex m1{"m1"}, m2{"m2"};
  sim::Thread a([&] {
    sim::LockGuard g1(m1);
    sim::LockGuard g2(m2);
  }, "a");
  sim::Thread b([&] {
    sim::LockGuard g2(m2);
    sim::LockGuard g1(m1);
  }, "b");
  a.join();
  b.join();
}

// Consumers waiting on a condvar for tokens a producer adds one by one.
inline void tokens(int consumers, int count, bool notify_all) {
  sim::Mutex m{"m"};
  sim::CondVar cv{"cv"};
  sim::Shared<int> stock{0, "stock"};
  std::deque<sim::Thread> ts;
  for (int i = 0; i < consumers; ++i) {
    ts.emplace_back([&] {
      sim::UniqueLock lock(m);
      while (stock.load() == 0) cv.wait(lock);
      stock.store(stock.load() - 1);
    });
  }
  ts.emplace_back([&] {
    for (int i = 0; i < count; ++i) {
      {
        sim::LockGuard g(m);
        stock.store(stock.load() + 1);
      }
      if (notify_all) {
        cv.notify_all();
      } else {
        cv.notify_one();
      }
    }
  });
  for (auto& t : ts) t.join();
}

}  // namespace explore_test
