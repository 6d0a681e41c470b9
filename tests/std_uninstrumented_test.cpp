// The std front end under code that is not instrumented: no file of this test is compiled with
// -fsanitize=thread (as when the flag is forgotten, or lost to link-time optimisation). Starting a
// thread in a simulation is then a finding that says what cannot be seen, never a silent pass.
#include <string>
#include <thread>

#include "interleave/doctest.hpp"

TEST_CASE("a thread of code not compiled with -fsanitize=thread is a finding, not a pass") {
  auto body = [] {
    int balance = 100;
    std::thread alice([&] { balance -= 80; });
    std::thread bob([&] { balance -= 80; });
    alice.join();
    bob.join();
  };
  const sim::Report r = sim::check_random(body, {.iterations = 10});
  INFO(sim::to_text(r, {.timing = false}));
  const sim::Failure* f = r.find(sim::FailureKind::Unmodelled);
  REQUIRE(f != nullptr);
  CHECK(f->message.find("no code of this program was compiled with -fsanitize=thread") != std::string::npos);
  CHECK_FALSE(r.ok());
}
