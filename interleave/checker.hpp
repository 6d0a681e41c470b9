// checker: write a checker of your own - an observer of every execution a search counts, whose
// findings are reported like the built-in ones (races, predicted deadlocks), with story and token.
//
//   class NegativeBalance final : public checker::Checker {
//    public:
//     void on_event(const sim::Execution& exec, const sim::Event& e) override {
//       if (e.op.kind == sim::OpKind::Write && exec.object_name(e.op.object) == "balance" &&
//           e.value.present() && e.value.text().starts_with('-')) {
//         sim::Failure f;
//         f.kind = sim::FailureKind::CheckerFinding;
//         f.message = "balance written negative";
//         f.where = e.op.where;  // its schedule is added at the end of the execution
//         found_.push_back(std::move(f));
//       }
//     }
//     void on_end(const sim::Execution& exec, const sim::Failure*) override {
//       for (sim::Failure& f : found_) f.schedule = exec.schedule_so_far();  // what replays it
//     }
//     void take_findings(std::vector<sim::Failure>& out) override {
//       for (sim::Failure& f : found_) out.push_back(std::move(f));
//       found_.clear();
//     }
//    private:
//     std::vector<sim::Failure> found_;
//   };
//
//   sim::ExploreOptions o;
//   o.checks.more.emplace_back([] { return std::make_unique<NegativeBalance>(); });
//
// A search on several jobs makes one instance per job (the factory is called for each): a
// finding of one execution needs nothing more. A checker whose findings span executions (as the
// lock-order graph's do) implements Checker's span hooks. Declaring the kinds of event it ignores
// (Observer::ignored_kinds) and the events that would not change it (Observer::unchanged_by)
// lets a run skip building them; by default it sees every event.
#pragma once

#include "checker/checker.hpp"
#include "checker/checks.hpp"
#include "sim/core/execution.hpp"
