// The std front end: std::condition_variable and condition_variable_any in unmodified code:
// a lost wake-up, an `if` where a `while` belongs (spurious wake-ups are explored), timeouts on
// virtual time.
#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <thread>

#include "interleave/doctest.hpp"

namespace {

// A bounded queue of capacity 1 with one condition variable for both "not empty" and "not
// full", and notify_one: a consumer's notify can wake the other consumer instead of the
// producer, and then nobody is left to wake anyone.
class OneCvQueue {
 public:
  explicit OneCvQueue(bool notify_all) : notify_all_(notify_all) {}
  void put(int v) {
    std::unique_lock<std::mutex> lock(m_);
    while (items_.size() == 1) changed_.wait(lock);
    items_.push_back(v);
    notify();
  }
  int take() {
    std::unique_lock<std::mutex> lock(m_);
    while (items_.empty()) changed_.wait(lock);
    const int v = items_.front();
    items_.pop_front();
    notify();
    return v;
  }

 private:
  void notify() {
    if (notify_all_) {
      changed_.notify_all();
    } else {
      changed_.notify_one();
    }
  }
  bool notify_all_;
  std::mutex m_;
  std::condition_variable changed_;
  std::deque<int> items_;
};

void producer_and_two_consumers(bool notify_all) {
  OneCvQueue q(notify_all);
  int sum = 0;
  std::mutex sum_lock;
  auto consume = [&] {
    const int v = q.take();
    std::lock_guard<std::mutex> lock(sum_lock);
    sum += v;
  };
  std::thread c1(consume), c2(consume);
  std::thread p([&] {
    q.put(1);
    q.put(2);
  });
  p.join();
  c1.join();
  c2.join();
  sim::check(sum == 3, "an item was lost");
}

}  // namespace

TEST_CASE("one condition variable with notify_one: the lost wake-up is found as a deadlock, and replayed") {
  sim::Failure f = sim::require_failure([] { producer_and_two_consumers(false); }, sim::FailureKind::Deadlock,
                                        {.iterations = 2000});
  bool waits_on_condvar = false;
  for (const std::string& d : f.details) waits_on_condvar |= d.find("for a notify that never comes") != std::string::npos;
  CHECK(waits_on_condvar);
}

TEST_CASE("the same queue with notify_all has no finding, by random search and by DPOR") {
  auto body = [] { producer_and_two_consumers(true); };
  sim::require_no_failure(body, {.iterations = 1000});
  sim::Report d = sim::explore(body, {.strategy = sim::Search::Dpor, .checks = checker::Checks{}});
  INFO(sim::to_text(d, {.timing = false}));
  CHECK(d.ok());
  CHECK(d.executions > 1);  // not claimed complete: see docs/std.md on DPOR
}

TEST_CASE("an `if` instead of a `while` around wait: a spurious wake-up pops from an empty deque") {
  auto body = [] {
    std::mutex m;
    std::condition_variable ready;
    std::deque<int> items;
    std::thread consumer([&] {
      std::unique_lock<std::mutex> lock(m);
      if (items.empty()) ready.wait(lock);  // the bug: a spurious wake-up gets through
      sim::check(!items.empty(), "popped from an empty deque");
      if (!items.empty()) items.pop_front();
    });
    {
      std::lock_guard<std::mutex> lock(m);
      items.push_back(1);
    }
    ready.notify_one();
    consumer.join();
  };
  sim::Failure f = sim::require_failure(body, sim::FailureKind::AssertionFailed, {.iterations = 500});
  CHECK(f.message == "popped from an empty deque");
  // With spurious wake-ups off, the same schedule space has no such finding.
  sim::CheckOptions quiet{.iterations = 500};
  quiet.limits.spurious_wakeups = sim::ExecutionLimits::Spurious::Never;
  sim::require_no_failure(body, quiet);
}

TEST_CASE("wait_for and wait_until time out on virtual time; a notify in time ends the wait") {
  static std::set<std::cv_status> outcomes;
  outcomes.clear();
  auto body = [] {
    std::mutex m;
    std::condition_variable cv;
    bool set = false;
    std::cv_status status = std::cv_status::no_timeout;
    std::thread waiter([&] {
      std::unique_lock<std::mutex> lock(m);
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::hours(1);
      while (!set) {
        if (cv.wait_until(lock, deadline) == std::cv_status::timeout) {
          status = std::cv_status::timeout;
          break;
        }
      }
    });
    std::thread setter([&] {
      std::this_thread::sleep_for(std::chrono::minutes(30));
      std::lock_guard<std::mutex> lock(m);
      set = true;
      cv.notify_one();
    });
    waiter.join();
    setter.join();
    outcomes.insert(status);
  };
  sim::CheckOptions strict{.iterations = 50};
  strict.limits.timing = sim::ExecutionLimits::Timing::Strict;
  strict.limits.spurious_wakeups = sim::ExecutionLimits::Spurious::Never;
  sim::require_no_failure(body, strict);
  CHECK(outcomes == std::set<std::cv_status>{std::cv_status::no_timeout});  // 30 min < 1 h, exactly

  outcomes.clear();
  sim::CheckOptions loose{.iterations = 300};
  loose.limits.spurious_wakeups = sim::ExecutionLimits::Spurious::Never;
  sim::require_no_failure(body, loose);
  // Loose timing lets a timeout come early too: a loaded machine can make the setter late.
  CHECK(outcomes == std::set<std::cv_status>{std::cv_status::no_timeout, std::cv_status::timeout});
}

TEST_CASE("condition_variable_any waits with a shared_mutex") {
  auto body = [] {
    std::shared_mutex m;
    std::condition_variable_any cv;
    int stage = 0;
    std::thread waiter([&] {
      std::unique_lock<std::shared_mutex> lock(m);
      cv.wait(lock, [&] { return stage == 1; });
      stage = 2;
    });
    {
      std::unique_lock<std::shared_mutex> lock(m);
      stage = 1;
    }
    cv.notify_all();
    waiter.join();
    sim::check(stage == 2, "the waiter did not run");
  };
  sim::require_no_failure(body, {.iterations = 300});
}
