// Barrier: a reusable phase barrier with a completion step (C++20 std::barrier), simulated or std.
#pragma once

#include <barrier>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "sim/core/object.hpp"

namespace sim {

namespace detail {

struct NoCompletion {
  void operator()() noexcept {}
};

// The simulated phase: arrivals still expected, the tasks waiting for it to complete, and the
// completion step the last arrival runs. Events: every arrival publishes Arrive (a release;
// flag: it completed the phase); the last arrival, if there is a completion step, publishes
// Pass (an acquire of every arrival) before it and Open (a release) after it; every wait that
// gets through publishes Pass. More arrivals than a phase expects is SyncMisuse; a phase that
// never completes leaves its waiters in a Deadlock whose story names the barrier.
class BarrierModel {
 public:
  BarrierModel(std::string_view name, std::ptrdiff_t expected, Location created)
      : name_(name), expected_(expected), created_(created) {}

  // Returns the phase arrived at (the arrival token).
  std::uint64_t arrive(Execution& e, std::ptrdiff_t n, Location where);
  void wait(Execution& e, std::uint64_t phase, Location where);
  void arrive_and_drop(Execution& e, Location where);
  // The arrivals each phase expects and those this phase still does, in execution `e`.
  std::pair<std::ptrdiff_t, std::ptrdiff_t> expecting(const Execution& e) const {
    return binding_.bound_to(e) ? std::pair{per_phase_, pending_} : std::pair{expected_, expected_};
  }
  void set_completion(void (*run)(void*), void* completion) {
    run_ = run;
    completion_ = completion;
  }

 private:
  void bind(Execution& e);
  std::uint64_t count(Execution& e, std::ptrdiff_t n, bool drop, Location where);

  detail::Binding binding_;
  std::string name_;
  std::ptrdiff_t expected_;        // as constructed; drops lower the next phases' count
  Location created_;
  std::ptrdiff_t per_phase_ = 0;   // arrivals each phase expects, after drops
  std::ptrdiff_t pending_ = 0;     // arrivals this phase still expects
  std::uint64_t phase_ = 0;
  WaitList waiters_;
  void (*run_)(void*) = nullptr;
  void* completion_ = nullptr;
};

}  // namespace detail

template <class CompletionFunction = detail::NoCompletion>
class Barrier {
  // std::barrier wants a noexcept completion; a completion that throws ends the program there.
  struct Call {
    CompletionFunction* f;
    void operator()() noexcept { (*f)(); }
  };

 public:
  // What arrive() returns and wait() takes; move-only, as std::barrier's.
  class ArrivalToken {
   public:
    ArrivalToken(ArrivalToken&&) noexcept = default;
    ArrivalToken& operator=(ArrivalToken&&) noexcept = default;

   private:
    friend class Barrier;
    ArrivalToken() = default;
    std::uint64_t phase_ = 0;
    std::optional<typename std::barrier<Call>::arrival_token> real_;
  };

  explicit Barrier(std::ptrdiff_t expected, std::string_view name = {}, Location created = Location::here())
      : Barrier(expected, CompletionFunction{}, name, created) {}
  Barrier(std::ptrdiff_t expected, CompletionFunction completion, std::string_view name = {},
          Location created = Location::here())
    requires std::is_invocable_v<CompletionFunction&>
      : completion_(std::move(completion)), real_(expected, Call{&completion_}), model_(name, expected, created) {
    model_.set_completion([](void* f) { (*static_cast<CompletionFunction*>(f))(); }, &completion_);
  }
  Barrier(const Barrier&) = delete;
  Barrier& operator=(const Barrier&) = delete;

  [[nodiscard]] ArrivalToken arrive(std::ptrdiff_t n = 1, Location where = Location::here()) {
    ArrivalToken token;
    if (Execution* e = Execution::current()) {
      token.phase_ = model_.arrive(*e, n, where);
    } else {
      token.real_.emplace(real_.arrive(n));
    }
    return token;
  }
  void wait(ArrivalToken&& token, Location where = Location::here()) {
    if (Execution* e = Execution::current()) return model_.wait(*e, token.phase_, where);
    real_.wait(std::move(*token.real_));
  }
  void arrive_and_wait(Location where = Location::here()) {
    if (Execution* e = Execution::current()) return model_.wait(*e, model_.arrive(*e, 1, where), where);
    real_.arrive_and_wait();
  }
  void arrive_and_drop(Location where = Location::here()) {
    if (Execution* e = Execution::current()) return model_.arrive_and_drop(*e, where);
    real_.arrive_and_drop();
  }
  // For a description of the state: see BarrierModel::expecting.
  std::pair<std::ptrdiff_t, std::ptrdiff_t> expecting(const Execution& e) const { return model_.expecting(e); }

 private:
  CompletionFunction completion_;
  std::barrier<Call> real_;
  detail::BarrierModel model_;
};

}  // namespace sim
