// Signals that end a search, not the command: SIGINT (Ctrl-C), SIGTERM (what CI time-outs, Slurm
// and Kubernetes send) and SIGHUP (a closed terminal or session).
#pragma once

#include <string_view>

#include "sim/explore/progress.hpp"

namespace cli {

// While alive, each of the three sets the one flag searches watch (sim::SigintStop::flag()), so
// the search stops at its next execution and the command reports what it found; a second stop
// signal, of any of the three, ends the process.
class StopOnSignals {
 public:
  StopOnSignals();
  ~StopOnSignals();
  StopOnSignals(const StopOnSignals&) = delete;
  StopOnSignals& operator=(const StopOnSignals&) = delete;

 private:
  sim::SigintStop sigint_;
};

// Whether a stop signal came while a StopOnSignals was alive.
bool stopped();
// The first stop signal that came (SIGINT, SIGTERM or SIGHUP), or 0.
int stop_signal();
// Its name ("SIGTERM"), or "" when none came.
const char* stop_signal_name();
// The stop signal a report names ("SIGTERM", as stop_signal_name spells it), or 0.
int stop_signal_named(std::string_view name);

}  // namespace cli
