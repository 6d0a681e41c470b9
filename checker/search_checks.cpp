// SearchChecks: a Checkers per job, and one lock-order graph replayed from theirs after the jobs.
#include "checker/search_checks.hpp"

#include <algorithm>

#include "checker/checkers.hpp"

namespace checker {

namespace {

class JobCheckers final : public sim::JobWatch {
 public:
  explicit JobCheckers(Checks checks) : checkers_(checks) { checkers_.lock_graph().keep_for_span(); }

  void on_begin(const sim::Execution& exec) override { checkers_.on_begin(exec); }
  void on_event(const sim::Execution& exec, const sim::Event& e) override { checkers_.on_event(exec, e); }
  void on_end(const sim::Execution& exec, const sim::Failure* failure) override { checkers_.on_end(exec, failure); }
  void take_findings(std::vector<sim::Failure>& out) override { checkers_.take_findings(out); }
  void enter(std::uint64_t unit, std::uint64_t rank) override { checkers_.lock_graph().enter(unit, rank); }
  bool kept() const override { return checkers_.checks().lock_order && locks().kept(); }
  void describe(std::string found_by, bool names_execution) override {
    checkers_.lock_graph().describe_kept(std::move(found_by), names_execution);
  }
  const LockGraph& locks() const { return checkers_.lock_graph(); }

 private:
  Checkers checkers_;
};

class Checked final : public sim::SearchChecks {
 public:
  explicit Checked(Checks checks) : checks_(checks) {}

  std::unique_ptr<sim::JobWatch> watch() override { return std::make_unique<JobCheckers>(checks_); }

  std::vector<sim::PlacedFailure> span(std::vector<std::unique_ptr<sim::JobWatch>>& watches,
                                       const std::function<std::uint64_t(std::uint64_t, std::uint64_t)>& execution) override {
    std::vector<sim::PlacedFailure> out;
    if (!checks_.lock_order) return out;
    struct At {
      const LockGraph* job;
      const LockGraph::Kept* kept;
    };
    std::vector<At> all;
    for (auto& w : watches) {
      const LockGraph& job = static_cast<JobCheckers&>(*w).locks();
      for (const LockGraph::Kept& k : job.kept_executions()) all.push_back(At{&job, &k});
    }
    // Places are unique across jobs: the order of the whole search.
    std::sort(all.begin(), all.end(), [](const At& a, const At& b) {
      return a.kept->unit != b.kept->unit ? a.kept->unit < b.kept->unit : a.kept->rank < b.kept->rank;
    });
    std::vector<sim::Failure> found;
    for (const At& a : all) {
      graph_.absorb(*a.job, *a.kept, execution(a.kept->unit, a.kept->rank));
      graph_.take_findings(found);
      for (sim::Failure& f : found) {
        f.found_by = a.kept->found_by;
        out.push_back(sim::PlacedFailure{a.kept->unit, a.kept->rank, std::move(f), a.kept->names_execution});
      }
      found.clear();
    }
    return out;
  }

  void reconcile(sim::Report& report) override {
    if (checks_.lock_order) graph_.reconcile(report);
  }

 private:
  Checks checks_;
  LockGraph graph_;
};

}  // namespace

std::unique_ptr<sim::SearchChecks> search_checks(Checks checks) { return std::make_unique<Checked>(checks); }

}  // namespace checker
