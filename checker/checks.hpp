// Checks: which checkers watch a run (a small header, so the public API does not pull them in).
#pragma once

#include <functional>
#include <memory>
#include <vector>

namespace checker {

class Checker;
// Makes one checker; called once per run, or once per job and once more to merge the jobs.
using CheckerFactory = std::function<std::unique_ptr<Checker>()>;

// The built-in checkers are on unless turned off, e.g. `sim::CheckOptions{.checks = {.races = false}}`;
// any number of others come in `more`.
struct Checks {
  bool races = true;       // happens-before data races on Shared<T> (DataRace)
  bool lock_order = true;  // deadlocks predicted from the lock-order graph (PotentialDeadlock)
  std::vector<CheckerFactory> more;

  bool any() const { return races || lock_order || !more.empty(); }
  // No checker at all: `.checks = checker::Checks::none()`.
  static Checks none() { return Checks{.races = false, .lock_order = false, .more = {}}; }
};

// Every checker `checks` turns on, built-in ones first.
std::vector<CheckerFactory> factories(const Checks& checks);

}  // namespace checker
