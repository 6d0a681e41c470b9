// Checker: an observer that reports findings, and the hooks a search on several jobs needs from one.
//
// A checker watches the events of executions and hands its findings over after each execution
// (Observer::take_findings); findings that need the whole run (a lock-order cycle whose edges
// come from several executions) are what the span hooks below are for. On a search split over
// jobs each job has its own instance, which keeps - instead of deciding - what such findings
// need, with each execution's place; after the jobs a fresh instance takes every job's kept
// executions in the order of the whole search (span), so the findings do not depend on the
// number of jobs. A checker whose findings each come from one execution needs none of this.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "sim/core/failure.hpp"
#include "sim/core/observer.hpp"
#include "sim/explore/explorer.hpp"

namespace checker {

class Checker : public sim::Observer {
 public:
  // After the run (on the instance that saw it all, or decided it in span()): adjusts the
  // report, e.g. folds a predicted deadlock into the actual one it predicted.
  virtual void reconcile(sim::Report&) const {}

  // --- a search on several jobs ---
  // This instance is one job's: keep, instead of deciding, what findings spanning executions need.
  virtual void keep_for_span() {}
  // Before each execution the job counts: its place in the search.
  virtual void enter(std::uint64_t /*unit*/, std::uint64_t /*rank*/) {}
  // After it: whether it was kept; then what found it (the strategy's words), or forget() when
  // the execution was cut short (the time budget ran out).
  virtual bool kept() const { return false; }
  virtual void describe_kept(std::string /*found_by*/, bool /*names_execution*/) {}
  virtual void forget() {}
  // On a fresh instance after the jobs: every job's instance (same type as this), whose kept
  // executions it takes in the order of the whole search; `execution` numbers a place as the
  // report does. Returns the findings, each at its place.
  virtual std::vector<sim::PlacedFailure> span(std::span<Checker* const> /*jobs*/,
                                               const std::function<std::uint64_t(std::uint64_t, std::uint64_t)>& /*execution*/) {
    return {};
  }
};

}  // namespace checker
