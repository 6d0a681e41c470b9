#include <doctest/doctest.h>
#include "interleave/interleave.hpp"
TEST_CASE("smoke") {
  auto body = [] {
    sim::Shared<int> balance{100, "balance"};
    auto withdraw = [&] { if (balance.load() >= 80) balance.store(balance.load() - 80); };
    sim::Thread alice(withdraw, "alice"), bob(withdraw, "bob");
    alice.join(); bob.join();
    sim::check(balance.load() >= 0, "balance went negative");
  };
  sim::Report r = sim::check_random(body, {.iterations = 1000, .seed = 1});
  MESSAGE(sim::to_text(r));
  const sim::Failure* f = r.find(sim::FailureKind::AssertionFailed);
  REQUIRE(f != nullptr);
  CHECK(sim::replay(body, f->token).find(sim::FailureKind::AssertionFailed));
}
