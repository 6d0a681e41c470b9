// The std front end's benchmark bodies: compiled with -fsanitize=thread (interleave_std), so every
// access below goes through a hook, as in a user's program.
#include <mutex>
#include <thread>

#include "bench/std_bodies.hpp"

namespace bench {

namespace {

struct Account {
  int balance = 100;
  std::mutex guard;
};

void withdraw_locked(Account& a) {
  std::lock_guard<std::mutex> lock(a.guard);
  if (a.balance >= 80) a.balance -= 80;
}

}  // namespace

int std_bank_locked_2t() {
  Account account;
  std::thread alice(withdraw_locked, std::ref(account));
  std::thread bob(withdraw_locked, std::ref(account));
  alice.join();
  bob.join();
  return account.balance;
}

long std_plain_counter = 0;

void std_plain_accesses(int n) {
  for (int i = 0; i < n; ++i) {
    std_plain_counter = std_plain_counter + i;  // one instrumented read, one instrumented write
    asm volatile("" ::: "memory");               // keeps each load and store in the loop
  }
}

long std_plain_array[1024] = {};

void std_array_sweep(int n) {
  for (int i = 0; i < n; ++i) {
    std_plain_array[i & 1023] = std_plain_array[i & 1023] + i;
    asm volatile("" ::: "memory");
  }
}

}  // namespace bench
