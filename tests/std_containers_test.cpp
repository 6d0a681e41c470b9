// The std front end: races inside heap containers of unmodified code: two threads push_back
// into one std::vector, a pop from a std::deque racing a push; locked, neither races.
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "interleave/doctest.hpp"

TEST_CASE("two threads push_back into one std::vector: a data race inside the vector, named at the push_back") {
  auto body = [] {
    std::vector<int> v;
    v.reserve(8);
    std::thread a([&] { v.push_back(1); });
    std::thread b([&] { v.push_back(2); });
    a.join();
    b.join();
  };
  sim::Failure f = sim::require_failure(body, sim::FailureKind::DataRace, {.iterations = 20});
  // The places are the push_back calls in this file, not lines of <vector>.
  CHECK(f.message.find("std_containers_test.cpp:") != std::string::npos);
  CHECK(f.message.find("stl_vector.h") == std::string::npos);
}

TEST_CASE("a pop from a std::deque racing a push is a data race; with a mutex it is none") {
  auto racy = [] {
    std::deque<int> q{1, 2};
    std::thread producer([&] { q.push_back(3); });
    std::thread consumer([&] {
      if (!q.empty()) q.pop_front();  // empty() reads the end that push_back moves
    });
    producer.join();
    consumer.join();
  };
  sim::require_failure(racy, sim::FailureKind::DataRace, {.iterations = 50});
  auto locked = [] {
    std::deque<int> q{1, 2};
    std::mutex m;
    std::thread producer([&] {
      std::lock_guard<std::mutex> lock(m);
      q.push_back(3);
    });
    std::thread consumer([&] {
      std::lock_guard<std::mutex> lock(m);
      q.pop_front();
    });
    producer.join();
    consumer.join();
    sim::check(q.size() == 2, "size");
  };
  sim::require_no_failure(locked, {.iterations = 300});
}
