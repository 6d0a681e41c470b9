// A user's test, built outside the interleave tree against an installed interleave: doctest finds
// the overdraft two unlocked withdrawals allow, and replays it from its token.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <interleave/checker.hpp>
#include <interleave/doctest.hpp>

#include <memory>
#include <vector>

#include "bank.hpp"

TEST_CASE("two unlocked withdrawals can overdraw the account: found, and replayed from its token") {
  // Explores until the check fails, replays the token, and requires the same failure again.
  const sim::Failure found = sim::require_failure(bank::racy_withdrawals, sim::FailureKind::AssertionFailed);
  CHECK(found.message == "balance went negative");

  // The same, by hand: the token alone brings the failure back.
  const sim::Report again = sim::replay(bank::racy_withdrawals, found.token);
  const sim::Failure* replayed = again.find(sim::FailureKind::AssertionFailed);
  REQUIRE(replayed != nullptr);
  CHECK(replayed->same_place(found));
}

TEST_CASE("with the lock, no interleaving overdraws") {
  const sim::Report report = sim::require_no_failure(bank::locked_withdrawals, {.iterations = 500});
  CHECK(report.executions == 500);
}

namespace {

// A checker of the user's own: a write that leaves the balance negative is a finding at that
// write, with its story and token, whatever the test checks at its end.
class NegativeBalance final : public checker::Checker {
 public:
  void on_event(const sim::Execution& exec, const sim::Event& e) override {
    if (e.op.kind == sim::OpKind::Write && exec.object_name(e.op.object) == "balance" && e.value.present() &&
        e.value.text().starts_with('-')) {
      sim::Failure f;
      f.kind = sim::FailureKind::CheckerFinding;
      f.message = "balance written negative: " + e.value.text();
      f.where = e.op.where;
      found_.push_back(std::move(f));
    }
  }
  void on_end(const sim::Execution& exec, const sim::Failure*) override {
    for (sim::Failure& f : found_) f.schedule = exec.schedule_so_far();
  }
  void take_findings(std::vector<sim::Failure>& out) override {
    for (sim::Failure& f : found_) out.push_back(std::move(f));
    found_.clear();
  }

 private:
  std::vector<sim::Failure> found_;
};

}  // namespace

TEST_CASE("a checker of the user's own sees the negative write, with its story and token") {
  sim::ExploreOptions o{.strategy = sim::Search::Dpor, .checks = checker::Checks::none(), .progress = sim::Progress::Off};
  o.checks.more.emplace_back([] { return std::make_unique<NegativeBalance>(); });
  const sim::Report report = sim::explore(bank::racy_withdrawals, o);
  const sim::Failure* found = report.find(sim::FailureKind::CheckerFinding);
  REQUIRE(found != nullptr);
  CHECK(found->message == "balance written negative: -60");
  CHECK_FALSE(found->token.empty());
}
