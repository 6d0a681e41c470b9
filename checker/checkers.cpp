// Checkers: the built-in checkers made from Checks, and each event handed to those that use it.
#include "checker/checkers.hpp"

#include "checker/lock_graph.hpp"
#include "checker/race_detector.hpp"

namespace checker {

std::vector<CheckerFactory> factories(const Checks& checks) {
  std::vector<CheckerFactory> out;
  if (checks.races) out.emplace_back([] { return std::make_unique<RaceDetector>(); });
  if (checks.lock_order) out.emplace_back([] { return std::make_unique<LockGraph>(); });
  out.insert(out.end(), checks.more.begin(), checks.more.end());
  return out;
}

Checkers::Checkers(const std::vector<CheckerFactory>& makers, int) : by_kind_(64) {
  for (const CheckerFactory& make : makers) list_.push_back(make());
  for (const auto& c : list_) {
    const std::uint64_t ignored = c->ignored_kinds();
    ignored_all_ &= ignored;
    needs_hb_ = needs_hb_ || c->needs_happens_before();
    for (unsigned k = 0; k < 64; ++k) {
      if (((ignored >> k) & 1) == 0) by_kind_[k].push_back(c.get());
    }
  }
}

void Checkers::on_begin(const sim::Execution& exec) {
  for (const auto& c : list_) c->on_begin(exec);
}

void Checkers::on_event(const sim::Execution& exec, const sim::Event& e) {
  for (Checker* c : by_kind_[static_cast<unsigned>(e.op.kind) & 63]) c->on_event(exec, e);
}

bool Checkers::unchanged_by(const sim::Execution& exec, sim::TaskId task, sim::ObjectId object, sim::OpKind kind) const {
  for (const Checker* c : by_kind_[static_cast<unsigned>(kind) & 63]) {
    if (!c->unchanged_by(exec, task, object, kind)) return false;
  }
  return true;
}

void Checkers::on_end(const sim::Execution& exec, const sim::Failure* failure) {
  for (const auto& c : list_) c->on_end(exec, failure);
}

void Checkers::take_findings(std::vector<sim::Failure>& out) {
  for (const auto& c : list_) c->take_findings(out);
}

void Checkers::reconcile(sim::Report& report) const {
  for (const auto& c : list_) c->reconcile(report);
}

}  // namespace checker
