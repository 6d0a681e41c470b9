// std_bank: the two-withdrawal bank written with std::thread and nothing else, compiled with
// -fsanitize=thread and linked with interleave_std: interleave finds the data race, then (with
// plain accesses as scheduling points) the double payout, tells it, and replays it.
#include <fmt/core.h>
#include <pthread.h>

#include <string>
#include <thread>

#include "interleave/interleave.hpp"

namespace {

// --- the code under test: std only ---
struct Account {
  int balance = 100;
};

bool withdraw(Account& account, int amount) {
  if (account.balance < amount) return false;  // check...
  account.balance -= amount;                    // ...then act: another withdrawal may come between
  return true;
}

// --- the test ---
void two_withdrawals() {
  Account account;
  bool alice_paid = false;
  bool bob_paid = false;
  std::thread alice([&] {
    pthread_setname_np(pthread_self(), "alice");
    alice_paid = withdraw(account, 80);
  });
  std::thread bob([&] {
    pthread_setname_np(pthread_self(), "bob");
    bob_paid = withdraw(account, 80);
  });
  alice.join();
  bob.join();
  sim::check(!(alice_paid && bob_paid), "both withdrawals of $80 from $100 were paid");
}

sim::ExecutionLimits switching() {
  sim::ExecutionLimits limits;
  limits.plain_accesses = sim::ExecutionLimits::PlainAccesses::Switch;
  return limits;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "--replay") {
    try {
      sim::Report again = sim::replay(two_withdrawals, argv[2], switching());
      fmt::print("{}", sim::to_text(again, {.timing = false}));
      return again.ok() ? 0 : 1;
    } catch (const std::invalid_argument& e) {
      fmt::print(stderr, "std_bank: bad token: {}\n", e.what());
      return 2;
    }
  }
  if (argc != 1) {
    fmt::print(stderr, "usage: std_bank [--replay TOKEN]\n");
    return 2;
  }
  sim::Report report = sim::check_random(
      two_withdrawals, {.iterations = 1000, .seed = 1, .on_failure = sim::OnFailure::Continue, .limits = switching()});
  fmt::print("{}", sim::to_text(report, {.timing = false, .replay_hint = std::string(argv[0]) + " --replay {token}"}));
  const sim::Failure* f = report.find(sim::FailureKind::AssertionFailed);
  if (f == nullptr) return report.ok() ? 0 : 1;
  sim::Report again = sim::replay(two_withdrawals, f->token, switching());
  const sim::Failure* g = again.find(sim::FailureKind::AssertionFailed);
  fmt::print("\nReplaying {} gives: {}\n", f->token,
             g != nullptr && g->same_place(*f) ? "the same failure, step for step" : "something else (see above)");
  return 1;
}
