// Latch: a single-use countdown (C++20 std::latch), simulated inside a simulation, std outside one.
#pragma once

#include <cstddef>
#include <latch>
#include <string>
#include <string_view>

#include "sim/core/object.hpp"

namespace sim {

// Counting down past zero is SyncMisuse. A wait that the count never lets through is a
// Deadlock whose story names the latch. Events: count_down publishes Arrive (a release; flag:
// it opened the latch), wait publishes Pass (an acquire), try_wait Pass with flag = open.
class Latch {
 public:
  explicit Latch(std::ptrdiff_t expected, std::string_view name = {}, Location created = Location::here())
      : real_(expected), name_(name), expected_(expected), created_(created) {}
  Latch(const Latch&) = delete;
  Latch& operator=(const Latch&) = delete;

  void count_down(std::ptrdiff_t n = 1, Location where = Location::here());
  bool try_wait(Location where = Location::here()) const;
  void wait(Location where = Location::here()) const;
  // The count still to go in execution `e`, for a description of the state.
  std::ptrdiff_t left(const Execution& e) const { return binding_.bound_to(e) ? count_ : expected_; }
  void arrive_and_wait(std::ptrdiff_t n = 1, Location where = Location::here());

 private:
  Execution* bind() const;

  mutable std::latch real_;
  mutable detail::Binding binding_;
  std::string name_;
  std::ptrdiff_t expected_;
  Location created_;
  mutable std::ptrdiff_t count_ = 0;
  mutable WaitList waiters_;
};

}  // namespace sim
