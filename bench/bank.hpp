// The two-thread bank withdrawal the benchmarks time: racy (check-then-act) and locked.
#pragma once

#include "sim/sim.hpp"

namespace bench {

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

inline void bank_locked_2t() {
  sim::Shared<int> balance{100, "balance"};
  sim::Mutex m{"m"};
  auto withdraw = [&] {
    sim::LockGuard guard(m);
    if (balance.load() >= 80) balance.store(balance.load() - 80);
  };
  sim::Thread alice(withdraw, "alice"), bob(withdraw, "bob");
  alice.join();
  bob.join();
  sim::check(balance.load() >= 0, "balance went negative");
}

}  // namespace bench
