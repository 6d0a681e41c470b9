// The code under test of the consumer example: a bank account, withdrawn from by two threads.
#pragma once

#include <sim/sim.hpp>

namespace bank {

struct Account {
  sim::Shared<int> balance{100, "balance"};
  sim::Mutex m{"m"};

  void withdraw_racy(int amount) {
    if (balance.load() >= amount) balance.store(balance.load() - amount);  // check, then act
  }
  void withdraw_locked(int amount) {
    sim::LockGuard guard(m);
    if (balance.load() >= amount) balance.store(balance.load() - amount);
  }
};

inline void racy_withdrawals() {
  Account account;
  sim::Thread alice([&] { account.withdraw_racy(80); }, "alice");
  sim::Thread bob([&] { account.withdraw_racy(80); }, "bob");
  alice.join();
  bob.join();
  sim::check(account.balance.load() >= 0, "balance went negative");
}

inline void locked_withdrawals() {
  Account account;
  sim::Thread alice([&] { account.withdraw_locked(80); }, "alice");
  sim::Thread bob([&] { account.withdraw_locked(80); }, "bob");
  alice.join();
  bob.join();
  sim::check(account.balance.load() >= 0, "balance went negative");
}

}  // namespace bank
