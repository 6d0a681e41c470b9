// Outcomes: finding kinds named in kebab case, with short names for the common ones.
#include "lang/outcome.hpp"

#include <algorithm>
#include <cctype>

namespace lang {

namespace {

// FailureKind grows as checkers land; every kind up to the first unnamed one is an outcome.
constexpr int max_kinds = 64;

}  // namespace

std::string outcome_name(sim::FailureKind kind) {
  switch (kind) {
    case sim::FailureKind::AssertionFailed: return "assertion";
    case sim::FailureKind::DataRace: return "race";
    case sim::FailureKind::UncaughtException: return "exception";
    default: break;
  }
  // Everything else by its name in kebab case: PotentialDeadlock -> potential-deadlock.
  std::string out;
  for (char c : to_string(kind)) {
    if (std::isupper(static_cast<unsigned char>(c)) && !out.empty()) out += '-';
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

namespace {

// The first kind `named` says yes to, walking every kind there is.
template <typename Named>
std::optional<sim::FailureKind> find_kind(Named named) {
  for (int i = 0; i < max_kinds; ++i) {
    const auto kind = static_cast<sim::FailureKind>(i);
    if (to_string(kind) == "?") break;
    if (named(kind)) return kind;
  }
  return std::nullopt;
}

}  // namespace

std::optional<sim::FailureKind> failure_kind(std::string_view outcome) {
  return find_kind([&](sim::FailureKind kind) { return outcome_name(kind) == outcome; });
}

std::optional<sim::FailureKind> kind_named(std::string_view name) {
  return find_kind([&](sim::FailureKind kind) { return to_string(kind) == name; });
}

std::vector<std::string> outcome_names() {
  std::vector<std::string> names{"ok"};
  for (int i = 0; i < max_kinds; ++i) {
    const auto kind = static_cast<sim::FailureKind>(i);
    if (to_string(kind) == "?") break;
    if (kind == sim::FailureKind::ReplayDivergence) continue;  // a tool problem, not a finding to expect
    if (kind == sim::FailureKind::CheckerFinding) continue;    // only a C++ checker of the user's own makes one
    names.push_back(outcome_name(kind));
  }
  return names;
}

std::vector<std::string> normalise(std::vector<std::string> outcomes) {
  std::sort(outcomes.begin(), outcomes.end());
  outcomes.erase(std::unique(outcomes.begin(), outcomes.end()), outcomes.end());
  if (outcomes.empty()) outcomes.emplace_back("ok");
  return outcomes;
}

std::vector<std::string> outcomes_of(const sim::Report& report) {
  std::vector<std::string> found;
  for (const sim::Failure& f : report.failures) found.push_back(outcome_name(f.kind));
  return normalise(std::move(found));
}

std::string join(const std::vector<std::string>& outcomes) {
  std::string out;
  for (const std::string& o : outcomes) out += (out.empty() ? "" : ", ") + o;
  return out;
}

}  // namespace lang
