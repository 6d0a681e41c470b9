// Bodies whose failures the trace and HTML tests draw: a race, a lock handed on, a deadlock, a long run.
#pragma once

#include "interleave/interleave.hpp"

namespace pictures {

// Two withdrawals check the balance, then both take 80 from 100.
inline void bank_race() {
  sim::Shared<int> balance{100, "balance"};
  auto withdraw = [&] {
    if (balance.load() >= 80) balance.store(balance.load() - 80);  // check, then act
  };
  sim::Thread alice(withdraw, "alice");
  sim::Thread bob(withdraw, "bob");
  alice.join();
  bob.join();
  sim::check(balance.load() >= 0, "overdraft");
}

// Both add under the lock; the check expects one addition too many, so every schedule fails
// after the lock has gone from one task to the other.
inline void locked_adds() {
  sim::Mutex m{"m"};
  sim::Shared<int> total{0, "total"};
  auto add = [&] {
    sim::LockGuard guard(m);
    total.store(total.load() + 1);
  };
  sim::Thread alice(add, "alice");
  sim::Thread bob(add, "bob");
  alice.join();
  bob.join();
  sim::check(total.load() == 3, "three additions expected");
}

// alice takes a then b; bob takes b then a.
inline void opposite_order() {
  sim::Mutex a{"a"}, b{"b"};
  sim::Thread alice([&] { sim::LockGuard x(a); sim::LockGuard y(b); }, "alice");
  sim::Thread bob([&] { sim::LockGuard x(b); sim::LockGuard y(a); }, "bob");
  alice.join();
  bob.join();
}

// Thousands of steps: each task counts on its own for a long while (no switch is remarkable
// there), then both add to a total under a lock; a check that fails ends it.
inline void long_run() {
  sim::Mutex m{"m"};
  sim::Shared<int> left{0, "left"}, right{0, "right"}, total{0, "total"};
  auto work = [&](sim::Shared<int>& own) {
    for (int i = 0; i < 600; ++i) own.store(own.load() + 1);
    for (int i = 0; i < 20; ++i) {
      sim::LockGuard guard(m);
      total.store(total.load() + 1);
    }
  };
  sim::Thread alice([&] { work(left); }, "alice");
  sim::Thread bob([&] { work(right); }, "bob");
  alice.join();
  bob.join();
  sim::check(total.load() == 0, "the total moved");
}

}  // namespace pictures
