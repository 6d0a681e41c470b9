// Tests the failure kinds besides races and deadlocks: exceptions, step limit, lock and thread misuse.
#include <doctest/doctest.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/bodies.hpp"
#include "interleave/doctest.hpp"
#include "text_support.hpp"

namespace {

struct QueueFull : std::logic_error {
  using std::logic_error::logic_error;
};

// After each failure a clean body, the locked bank, passes: the runtime still works.
void still_works() {
  INFO("a clean body after the failure");
  sim::Report r = sim::check_random(bodies::bank_locked_2t, {.iterations = 300, .seed = 5});
  CHECK(r.ok());
  CHECK(r.executions == 300);
}

// Finds `kind` (replaying it), checks its message mentions `text`, then checks a clean run passes.
sim::Failure expect(const std::function<void()>& body, sim::FailureKind kind, const std::string& text,
                    sim::CheckOptions options = {.iterations = 200, .seed = 1}) {
  sim::Failure f = sim::require_failure(body, kind, options);
  CAPTURE(f.message);
  CHECK(contains(f.message, text));
  still_works();
  return f;
}

}  // namespace

TEST_CASE("an exception escaping a task names the task, the exception type and what()") {
  auto body = [] {
    sim::Thread worker([] { throw std::runtime_error("disk on fire"); }, "worker");
    worker.join();
  };
  sim::Failure f = expect(body, sim::FailureKind::UncaughtException, "worker");
  CHECK(f.task_name == "worker");
  CHECK(contains(f.message, "std::runtime_error"));
  CHECK(contains(f.message, "disk on fire"));
}

TEST_CASE("a user exception type is named demangled") {
  auto body = [] {
    sim::Shared<int> n{0, "n"};
    sim::Thread producer(
        [&] {
          if (n.load() == 0) throw QueueFull("queue holds 0 of 0");
        },
        "producer");
    producer.join();
  };
  sim::Failure f = expect(body, sim::FailureKind::UncaughtException, "QueueFull");
  CHECK(contains(f.message, "producer"));
  CHECK(contains(f.message, "queue holds 0 of 0"));
}

TEST_CASE("an exception from the main body and a non-std exception are findings too") {
  sim::Failure f =
      expect([] { throw std::out_of_range("index 3"); }, sim::FailureKind::UncaughtException, "std::out_of_range");
  CHECK(f.task_name == "main");
  CHECK(contains(f.message, "index 3"));
  sim::Failure g = expect(
      [] {
        sim::Thread t([] { throw 42; }, "thrower");
        t.join();
      },
      sim::FailureKind::UncaughtException, "unknown type");
  CHECK(g.task_name == "thrower");
}

TEST_CASE("an exception caught inside the task is not a finding") {
  sim::require_no_failure(
      [] {
        sim::Shared<int> caught{0, "caught"};
        sim::Thread t(
            [&] {
              try {
                throw std::runtime_error("handled");
              } catch (const std::exception&) {
                caught.store(1);
              }
            },
            "t");
        t.join();
        sim::check(caught.load() == 1);
      },
      {.iterations = 50, .seed = 1});
}

// (A loop that only rereads what nobody changes is a Livelock instead: explore_spin_test.cpp.)
TEST_CASE("a task looping forever, changing a value each time round, hits the step limit") {
  auto body = [] {
    sim::Atomic<int> flag{0, "flag"};
    sim::Thread spinner(
        [&] {
          while (flag.fetch_add(1) >= 0) {
          }
        },
        "spinner");
    spinner.join();
  };
  sim::Failure f = expect(body, sim::FailureKind::StepLimit, "300 steps",
                          {.iterations = 10, .seed = 1, .limits = {.max_steps = 300}});
  CHECK(contains(f.message, "endless loop"));
  CHECK(f.task_name == "spinner");
}

TEST_CASE("a long but finite loop passes under a larger step limit") {
  auto body = [] {
    sim::Atomic<int> n{0, "n"};
    sim::Thread counter(
        [&] {
          for (int i = 0; i < 1000; ++i) n.fetch_add(1);
        },
        "counter");
    counter.join();
    sim::check(n.load() == 1000);
  };
  sim::require_no_failure(body, {.iterations = 20, .seed = 1, .limits = {.max_steps = 5000}});
  sim::require_failure(body, sim::FailureKind::StepLimit, {.iterations = 5, .seed = 1, .limits = {.max_steps = 500}});
}

TEST_CASE("unlocking a mutex another task holds is lock misuse") {
  auto body = [] {
    sim::Mutex m{"m"};
    sim::LockGuard held(m);
    sim::Thread thief([&] { m.unlock(); }, "thief");
    thief.join();
  };
  sim::Failure f = expect(body, sim::FailureKind::LockMisuse, "thief unlocks mutex m, which main holds");
  CHECK(f.task_name == "thief");
}

TEST_CASE("unlocking a mutex nobody holds is lock misuse") {
  expect(
      [] {
        sim::Mutex m{"m"};
        m.unlock();
      },
      sim::FailureKind::LockMisuse, "which is not locked");
}

TEST_CASE("locking a mutex again while holding it is lock misuse") {
  auto body = [] {
    sim::Mutex m{"m"};
    sim::Thread t(
        [&] {
          sim::LockGuard first(m);
          sim::LockGuard second(m);
        },
        "relocker");
    t.join();
  };
  sim::Failure f = expect(body, sim::FailureKind::LockMisuse, "relocker locks mutex m again while holding it");
  CHECK(f.task_name == "relocker");
  expect(
      [] {
        sim::Mutex m{"m"};
        sim::LockGuard g(m);
        (void)m.try_lock();
      },
      sim::FailureKind::LockMisuse, "try_lock on mutex m, which it already holds");
}

TEST_CASE("destroying a mutex while it is held is lock misuse") {
  auto body = [] {
    sim::Thread t(
        [] {
          sim::Mutex m{"doomed"};
          m.lock();
        },
        "owner");
    t.join();
  };
  expect(body, sim::FailureKind::LockMisuse, "mutex doomed was destroyed while owner held it");
}

TEST_CASE("waiting on a condvar without holding its mutex is lock misuse") {
  auto unlocked_first = [] {
    sim::Mutex m{"m"};
    sim::CondVar cv{"cv"};
    sim::UniqueLock lock(m);
    lock.unlock();
    cv.wait(lock);
  };
  expect(unlocked_first, sim::FailureKind::LockMisuse, "waits on condvar cv without holding its mutex");
  auto deferred = [] {
    sim::Mutex m{"m"};
    sim::CondVar cv{"cv"};
    std::unique_lock<sim::Mutex> lock(m, std::defer_lock);
    sim::Thread t([&] { cv.notify_one(); }, "notifier");
    cv.wait(lock);
    t.join();
  };
  expect(deferred, sim::FailureKind::LockMisuse, "without holding its mutex");
}

TEST_CASE("a thread destroyed while joinable is thread misuse") {
  auto body = [] {
    sim::Shared<int> x{0, "x"};
    {
      sim::Thread forgotten([&] { x.store(1); }, "forgotten");
    }
  };
  expect(body, sim::FailureKind::ThreadMisuse, "thread forgotten was destroyed while still joinable");
}

TEST_CASE("joining a thread twice is thread misuse; detaching is not") {
  expect(
      [] {
        sim::Thread t([] {}, "once");
        t.join();
        t.join();
      },
      sim::FailureKind::ThreadMisuse, "not joinable");
  sim::require_no_failure(
      [] {
        sim::Thread t([] {}, "detached");
        t.detach();
      },
      {.iterations = 50, .seed = 1});
}

TEST_CASE("too many tasks in one execution is a task limit finding") {
  auto body = [] {
    for (int i = 0; i < 10; ++i) {
      sim::Thread t([] {}, "short");
      t.join();
    }
  };
  expect(body, sim::FailureKind::TaskLimit, "more than 4 tasks in one execution (the limit is ExecutionLimits::max_tasks, --max-tasks in interleave)",
         {.iterations = 5, .seed = 1, .limits = {.max_tasks = 4}});
}

TEST_CASE("with on_failure Continue each distinct finding is kept once") {
  sim::Report r = sim::check_random(bodies::bank_race_2t, {.iterations = 500, .seed = 1, .on_failure = sim::OnFailure::Continue, .checks = {.races = false}});
  CHECK(r.executions == 500);
  REQUIRE(r.failures.size() == 1);
  const sim::Failure& f = r.failures.front();
  CHECK(f.kind == sim::FailureKind::AssertionFailed);
  const sim::Report replayed = sim::replay(bodies::bank_race_2t, f.token);
  const sim::Failure* again = replayed.find(sim::FailureKind::AssertionFailed);
  REQUIRE(again != nullptr);
  CHECK(again->same_place(f));
  still_works();
}

TEST_CASE("a sim::Thread made with new and never joined, detached or deleted is a ThreadMisuse finding") {
  static std::vector<std::unique_ptr<sim::Thread>> kept;  // freed by the test, not by the body
  const sim::Failure f = expect(
      [] { kept.push_back(std::unique_ptr<sim::Thread>(new sim::Thread([] {}, "leaked"))); },
      sim::FailureKind::ThreadMisuse, "thread leaked was neither joined nor detached when the execution ended", {.iterations = 5});
  CHECK(f.task_name == "leaked");
  for (auto& t : kept) t->detach();
  kept.clear();
  // Joined, detached or destroyed in time: no finding.
  sim::require_no_failure(
      [] {
        auto* joined = new sim::Thread([] {}, "joined");
        joined->join();
        delete joined;
        sim::Thread detached([] {}, "detached");
        detached.detach();
      },
      {.iterations = 20});
}
