// A user's std:: code, unchanged, tested against an installed interleave's std front end: two
// std::threads withdraw without a lock; built with the interleave-std flags (pkg-config) or the
// interleave::std target (CMake), interleave schedules the threads, finds the data race on the
// balance, and replays it from its token.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <interleave/doctest.hpp>

#include <thread>

namespace {

// --- the code under test: std only ---
struct Account {
  int balance = 100;
};

bool withdraw(Account& account, int amount) {
  if (account.balance < amount) return false;
  account.balance -= amount;
  return true;
}

void two_withdrawals() {
  Account account;
  std::thread alice([&] { withdraw(account, 80); });
  std::thread bob([&] { withdraw(account, 80); });
  alice.join();
  bob.join();
}

}  // namespace

TEST_CASE("two std::threads withdrawing without a lock race on the balance: found, and replayed from its token") {
  const sim::Failure found = sim::require_failure(two_withdrawals, sim::FailureKind::DataRace);
  CHECK(found.accesses.size() == 2);
  const sim::Report again = sim::replay(two_withdrawals, found.token);
  const sim::Failure* replayed = again.find(sim::FailureKind::DataRace);
  REQUIRE(replayed != nullptr);
  CHECK(replayed->same_place(found));
}
