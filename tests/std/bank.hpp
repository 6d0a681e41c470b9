// The two-withdrawal bank, written with std::thread and std::mutex only: the code under test of
// the std front end's tests and benchmark (compiled with -fsanitize=thread, no interleave type).
#pragma once

#include <mutex>
#include <thread>

namespace std_bank {

struct Account {
  int balance = 100;
  int paid = 0;  // handed out so far
  std::mutex guard;
};

// Checks, then takes: two withdrawals of 80 from 100 can both pass the check.
inline void withdraw(Account& a, int amount) {
  if (a.balance >= amount) {
    a.balance -= amount;
    a.paid += amount;
  }
}

inline void withdraw_locked(Account& a, int amount) {
  std::lock_guard<std::mutex> lock(a.guard);
  if (a.balance >= amount) {
    a.balance -= amount;
    a.paid += amount;
  }
}

// Two threads withdraw 80 each from 100; returns what was paid out plus what is left (100 when
// the books balance).
inline int two_withdrawals(void (*how)(Account&, int)) {
  Account account;
  std::thread alice(how, std::ref(account), 80);
  std::thread bob(how, std::ref(account), 80);
  alice.join();
  bob.join();
  return account.paid + account.balance;
}

}  // namespace std_bank
