// Checks: which checkers watch a run (a small header, so the public API does not pull them in).
#pragma once

namespace checker {

// Every checker is on unless turned off, e.g. `sim::CheckOptions{.checks = {.races = false}}`.
struct Checks {
  bool races = true;       // happens-before data races on Shared<T> (DataRace)
  bool lock_order = true;  // deadlocks predicted from the lock-order graph (PotentialDeadlock)
};

}  // namespace checker
