// bank: two withdrawals of $80 from $100 both pass the balance check; interleave finds the
// overdraft, prints its story, and replays it from the token.
#include <fmt/core.h>

#include <cstdlib>
#include <string>

#include "interleave/interleave.hpp"

namespace {

void withdrawals() {
  sim::Shared<int> balance{100, "balance"};
  auto withdraw = [&] {
    if (balance.load() >= 80) balance.store(balance.load() - 80);  // check, then act: racy
  };
  sim::Thread alice(withdraw, "alice");
  sim::Thread bob(withdraw, "bob");
  alice.join();
  bob.join();
  sim::check(balance.load() >= 0, "balance went negative");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "--replay") {
    try {
      sim::Report again = sim::replay(withdrawals, argv[2]);
      fmt::print("{}", sim::to_text(again, {.timing = false}));
      return again.ok() ? 0 : 1;
    } catch (const std::invalid_argument& e) {
      fmt::print(stderr, "bank: bad token: {}\n", e.what());
      return 2;
    }
  }
  if (argc != 1) {
    fmt::print(stderr, "usage: bank [--replay TOKEN]\n");
    return 2;
  }
  fmt::print("Two threads each withdraw $80 from a $100 balance, checking the balance first.\n\n");
  sim::Report report = sim::check_random(withdrawals, {.iterations = 1000, .seed = 1});
  fmt::print("{}", sim::to_text(report, {.timing = false, .replay_hint = std::string(argv[0]) + " --replay {token}"}));
  const sim::Failure* f = report.find(sim::FailureKind::AssertionFailed);
  if (f == nullptr) return 0;
  sim::Report again = sim::replay(withdrawals, f->token);
  const sim::Failure* g = again.find(sim::FailureKind::AssertionFailed);
  fmt::print("\nReplaying {} gives: {}\n", f->token,
             g != nullptr && g->same_place(*f) ? "the same failure, step for step" : "something else (see above)");
  return 1;
}
