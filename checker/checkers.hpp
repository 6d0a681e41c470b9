// Checkers: the checkers a run has (races, lock order, and any more), watching it as one observer.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "checker/checker.hpp"
#include "checker/checks.hpp"

namespace checker {

// One observer for the whole set: the Execution makes one call per event, which reaches only the
// checkers that use that kind of event (Observer::ignored_kinds). Use one instance per run (the
// lock graph spans executions).
class Checkers final : public sim::Observer {
 public:
  explicit Checkers(const Checks& checks = {}) : Checkers(factories(checks), 0) {}
  // One checker from each of `makers`, in order.
  static Checkers from(const std::vector<CheckerFactory>& makers) { return Checkers(makers, 0); }

  void on_begin(const sim::Execution& exec) override;
  void on_event(const sim::Execution& exec, const sim::Event& e) override;
  // The kinds no checker uses: an observed run then skips building those events (a task's
  // finish, say) when no other observer wants them.
  std::uint64_t ignored_kinds() const override { return ignored_all_; }
  bool needs_happens_before() const override { return needs_hb_; }
  bool unchanged_by(const sim::Execution& exec, sim::TaskId task, sim::ObjectId object, sim::OpKind kind) const override;
  void on_end(const sim::Execution& exec, const sim::Failure* failure) override;
  void take_findings(std::vector<sim::Failure>& out) override;
  // After the run (see Checker::reconcile).
  void reconcile(sim::Report& report) const;
  bool any() const { return !list_.empty(); }
  std::span<const std::unique_ptr<Checker>> list() const { return list_; }

 private:
  Checkers(const std::vector<CheckerFactory>& makers, int);

  std::vector<std::unique_ptr<Checker>> list_;
  bool needs_hb_ = false;
  // Per kind of event, the checkers that use it, in list order.
  std::vector<std::vector<Checker*>> by_kind_;
  std::uint64_t ignored_all_ = ~std::uint64_t{0};
};

}  // namespace checker
