// Tests TaskLocal: one value per simulated task, fresh each execution; a thread_local outside.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "interleave/doctest.hpp"
#include "sim/sync_edges.hpp"

TEST_CASE("each task has its own value, starting from the initial one") {
  sim::TaskLocal<int> depth{0};
  auto body = [&] {
    auto work = [&](int n) {
      for (int i = 0; i < n; ++i) {
        ++depth.get();
        sim::yield();
      }
      sim::check(depth.get() == n, "another task's count leaked into this one");
    };
    sim::Thread a([&] { work(2); }, "a"), b([&] { work(3); }, "b");
    work(1);
    a.join();
    b.join();
  };
  // The same TaskLocal across executions: each one starts afresh.
  sim::require_no_failure(body, {.iterations = 500, .seed = 1});
}

TEST_CASE("outside a simulation it is a thread_local") {
  sim::TaskLocal<int> slot{7};
  std::atomic<int> seen{0};
  std::thread t([&] {
    slot.set(1);
    seen = slot.get();
  });
  t.join();
  CHECK(seen == 1);
  CHECK(slot.get() == 7);
}

TEST_CASE("sync edges: which toolbox events release and which acquire") {
  auto edge = [](sim::OpKind k, bool flag = false) {
    sim::Event e;
    e.op.kind = k;
    e.flag = flag;
    return sim::sync_edge(e);
  };
  CHECK(edge(sim::OpKind::Release) == sim::SyncEdge::Release);
  CHECK(edge(sim::OpKind::Acquire) == sim::SyncEdge::Acquire);
  CHECK(edge(sim::OpKind::TryAcquire, false) == sim::SyncEdge::None);
  CHECK(edge(sim::OpKind::TryAcquire, true) == sim::SyncEdge::Acquire);
  CHECK(edge(sim::OpKind::Send) == sim::SyncEdge::AcquireRelease);
  CHECK(edge(sim::OpKind::Send, true) == sim::SyncEdge::Acquire);
  CHECK(edge(sim::OpKind::Recv) == sim::SyncEdge::AcquireRelease);
  CHECK(edge(sim::OpKind::UnlockShared) == sim::SyncEdge::ReleaseShared);
  CHECK(edge(sim::OpKind::Set) == sim::SyncEdge::Release);
  CHECK(edge(sim::OpKind::Get) == sim::SyncEdge::Acquire);
  CHECK(edge(sim::OpKind::Lock) == sim::SyncEdge::None);  // checkers handle mutexes themselves
}
