// Retell: one execution under a known schedule with its story recorded, the way every finding is
// verified and told (the explorer, replay, the minimizer, the command's replay).
//
// A finding is reported with the token of its schedule and the story of that schedule, and only
// after the token was run again: if the body does not repeat the finding under it, the finding
// says so (the body is nondeterministic) instead of offering a token that will not replay.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <string>

#include "sim/core/failure.hpp"

namespace sim {

class Execution;
class Observer;

struct Retold {
  std::optional<Failure> failure;  // the fatal finding the execution ended with, if any
  History history;                 // its last `history_steps` steps
  Schedule schedule;               // the choices it made
  std::string divergence;          // how the body left the schedule; empty if it followed it
};

// Runs `body` once on `exec` under `schedule`, recorded, and watched by `also` too.
Retold retell(Execution& exec, const std::function<void()>& body, const Schedule& schedule, std::size_t history_steps,
              std::span<Observer* const> also = {});

// Verifies `f`, found by a search, by running its schedule once more: fills its token and story
// (for an endless loop, the tail that shows what repeats) and, if the run does not show the same
// finding, marks it nondeterministic with a note saying how the run differed.
void tell(Execution& exec, const std::function<void()>& body, Failure& f);

// The report of one replayed execution (retell's): the failure it ended with, then `findings`
// (what its observers found), each with the execution's story, then a ReplayDivergence finding
// if the body left the schedule (with the token asked for: `asked`).
Report replay_report(Retold told, const Schedule& asked, std::vector<Failure> findings = {});

// The note for a finding that did not come back when its schedule was run again.
std::string nondeterminism_note(const std::string& how);

}  // namespace sim
