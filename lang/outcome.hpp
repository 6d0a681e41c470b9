// Outcomes: the names `expect` and `interleave check` use for kinds of finding ("race", "deadlock").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/failure.hpp"

namespace lang {

// "assertion" for AssertionFailed, "race" for DataRace, "potential-deadlock", "step-limit", ...
std::string outcome_name(sim::FailureKind kind);
// The finding kind an outcome name stands for; nullopt for "ok" and for unknown names.
std::optional<sim::FailureKind> failure_kind(std::string_view outcome);
// The finding kind sim::to_string spells `name` ("DataRace", as JSON reports give it), or nullopt.
std::optional<sim::FailureKind> kind_named(std::string_view name);
// Every outcome name `expect` accepts, "ok" first.
std::vector<std::string> outcome_names();

// The outcome set a report shows: its findings' kinds, sorted and without repeats; {"ok"} if none.
std::vector<std::string> outcomes_of(const sim::Report& report);
// The outcome set an `expect` line asks for, normalised the same way; {"ok"} if empty.
std::vector<std::string> normalise(std::vector<std::string> outcomes);
// "race, assertion" (in the given order).
std::string join(const std::vector<std::string>& outcomes);

}  // namespace lang
