// Checkers: the checking observers a run has by default (races, lock order), behind one dispatch.
#pragma once

#include <cstdint>
#include <vector>

#include "checker/checks.hpp"
#include "checker/lock_graph.hpp"
#include "checker/race_detector.hpp"

namespace checker {

// One observer for the whole set: a run pays one virtual call and one switch per event however
// many checkers are on, then one direct call into a handler that feeds each checker. Use one
// instance per run (the lock graph spans executions).
class Checkers final : public sim::Observer {
 public:
  explicit Checkers(Checks checks = {}) : checks_(checks) {}

  void on_begin(const sim::Execution& exec) override;
  void on_event(const sim::Execution& exec, const sim::Event& e) override;
  // The kinds that order nothing, which on_event drops: an observed run then skips building
  // those events (a task's finish, say) when no other observer wants them.
  std::uint64_t ignored_kinds() const override { return unused_kinds; }
  void on_end(const sim::Execution& exec, const sim::Failure* failure) override {
    if (checks_.races) races_.on_end(exec, failure);
    if (checks_.lock_order) locks_.on_end(exec, failure);
  }
  void take_findings(std::vector<sim::Failure>& out) override {
    if (checks_.races) races_.take_findings(out);
    if (checks_.lock_order) locks_.take_findings(out);
  }
  // After the run (see LockGraph::reconcile).
  void reconcile(sim::Report& report) const {
    if (checks_.lock_order) locks_.reconcile(report);
  }
  bool any() const { return checks_.races || checks_.lock_order; }
  const Checks& checks() const { return checks_; }
  LockGraph& lock_graph() { return locks_; }
  const LockGraph& lock_graph() const { return locks_; }

 private:
  static constexpr std::uint64_t unused_kinds = [] {
    using sim::OpKind;
    std::uint64_t bits = 0;
    for (OpKind k : {OpKind::Start, OpKind::Yield, OpKind::Sleep, OpKind::Finish, OpKind::Print}) {
      bits |= std::uint64_t{1} << static_cast<unsigned>(k);
    }
    return bits;
  }();

  // Feeds one event to the checkers that are on (`locks`: null when the lock graph ignores it).
  // (`auto`, tested by type: g++ 12 under -fsanitize=undefined does not take a member
  // pointer's comparison with null as a constant expression.)
  template <void (RaceDetector::*races)(const sim::Event&), auto locks = nullptr>
  void handle(const sim::Event& e);

  Checks checks_;
  RaceDetector races_;
  LockGraph locks_;
};

}  // namespace checker
