// Test bodies the suites and the benchmarks share: the two-thread bank withdrawal, racy (check-then-act) and locked.
#pragma once

#include "sim/sim.hpp"

namespace bodies {

// Where bank_race_2t creates the balance and where main checks it, as reports name them (tests
// assert on these places; the offsets count the lines down to them).
inline constexpr sim::Location bank_race_created{__FILE__, __LINE__ + 6};
inline constexpr sim::Location bank_race_checked{__FILE__, __LINE__ + 12};

// Two withdrawals of 80 from 100, each checking the balance and then updating it in two steps:
// both can pass the check before either writes.
inline void bank_race_2t() {
  sim::Shared<int> balance{100, "balance"};
  auto withdraw = [&] {
    if (balance.load() >= 80) balance.store(balance.load() - 80);
  };
  sim::Thread alice(withdraw, "alice"), bob(withdraw, "bob");
  alice.join();
  bob.join();
  sim::check(balance.load() >= 0, "balance went negative");
}

// The same withdrawal with the check and the update under one mutex. The balance's type is a
// parameter for scenario_bench, which runs it with std::int64_t, as the scenario language's
// numbers are, so that it moves the same values as scenarios/bank_locked.scn.
template <class Balance>
void bank_locked() {
  sim::Shared<Balance> balance{100, "balance"};
  sim::Mutex m{"m"};
  auto withdraw = [&] {
    sim::LockGuard guard(m);
    if (balance.load() >= 80) balance.store(balance.load() - 80);
  };
  sim::Thread alice(withdraw, "alice"), bob(withdraw, "bob");
  alice.join();
  bob.join();
  sim::check(balance.load() == 20, "exactly one withdrawal goes through");
}

inline void bank_locked_2t() { bank_locked<int>(); }

}  // namespace bodies
