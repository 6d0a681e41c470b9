// SearchChecks: every checker once per job, and the ones whose findings span executions merged after the jobs.
#include "checker/search_checks.hpp"

#include "checker/checkers.hpp"

namespace checker {

namespace {

// One job's checkers: each told the place of every execution, and keeping for span().
class JobCheckers final : public sim::JobWatch {
 public:
  explicit JobCheckers(const std::vector<CheckerFactory>& makers) : checkers_(Checkers::from(makers)) {
    for (const auto& c : checkers_.list()) c->keep_for_span();
  }

  void on_begin(const sim::Execution& exec) override { checkers_.on_begin(exec); }
  void on_event(const sim::Execution& exec, const sim::Event& e) override { checkers_.on_event(exec, e); }
  std::uint64_t ignored_kinds() const override { return checkers_.ignored_kinds(); }
  bool needs_happens_before() const override { return checkers_.needs_happens_before(); }
  bool unchanged_by(const sim::Execution& exec, sim::TaskId task, sim::ObjectId object, sim::OpKind kind) const override {
    return checkers_.unchanged_by(exec, task, object, kind);
  }
  void on_end(const sim::Execution& exec, const sim::Failure* failure) override { checkers_.on_end(exec, failure); }
  void take_findings(std::vector<sim::Failure>& out) override { checkers_.take_findings(out); }
  void enter(std::uint64_t unit, std::uint64_t rank) override {
    for (const auto& c : checkers_.list()) c->enter(unit, rank);
  }
  bool kept() const override {
    for (const auto& c : checkers_.list()) {
      if (c->kept()) return true;
    }
    return false;
  }
  void describe(std::string found_by, bool names_execution) override {
    for (const auto& c : checkers_.list()) {
      if (c->kept()) c->describe_kept(found_by, names_execution);
    }
  }
  void forget() override {
    for (const auto& c : checkers_.list()) c->forget();
  }
  Checker* at(std::size_t i) const { return checkers_.list()[i].get(); }

 private:
  Checkers checkers_;
};

class Checked final : public sim::SearchChecks {
 public:
  explicit Checked(const Checks& checks) : makers_(factories(checks)) {}

  std::unique_ptr<sim::JobWatch> watch() override { return std::make_unique<JobCheckers>(makers_); }

  // Each checker's instances of every job, merged by a fresh instance of it, checker by checker.
  std::vector<sim::PlacedFailure> span(std::vector<std::unique_ptr<sim::JobWatch>>& watches,
                                       const std::function<std::uint64_t(std::uint64_t, std::uint64_t)>& execution) override {
    std::vector<sim::PlacedFailure> out;
    for (std::size_t i = 0; i < makers_.size(); ++i) {
      std::vector<Checker*> jobs;
      for (auto& w : watches) jobs.push_back(static_cast<JobCheckers&>(*w).at(i));
      merged_.push_back(makers_[i]());
      for (sim::PlacedFailure& p : merged_.back()->span(jobs, execution)) out.push_back(std::move(p));
    }
    return out;
  }

  void reconcile(sim::Report& report) override {
    for (const auto& c : merged_) c->reconcile(report);
  }

 private:
  std::vector<CheckerFactory> makers_;
  std::vector<std::unique_ptr<Checker>> merged_;
};

}  // namespace

std::unique_ptr<sim::SearchChecks> search_checks(const Checks& checks) { return std::make_unique<Checked>(checks); }

}  // namespace checker
