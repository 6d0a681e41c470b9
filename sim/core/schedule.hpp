// Schedule: the choices one execution made, and its replay token.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sim {

// One choice: which task ran next, or which value a data choice took.
struct Choice {
  enum class Kind : std::uint8_t { Task, Value };
  Kind kind = Kind::Task;
  std::uint32_t value = 0;
  bool operator==(const Choice&) const = default;
};

struct Schedule {
  std::vector<Choice> choices;

  std::string encode() const;
  bool operator==(const Schedule&) const = default;
};

// Result of decoding a token: a schedule, or a message saying what is wrong with the text.
struct DecodedSchedule {
  Schedule schedule;
  std::string error;  // empty on success
  bool ok() const { return error.empty(); }
};
// Tokens of more choices than `max_choices` are refused before any is stored (the default fits
// the largest --max-steps); tools decoding untrusted text at volume (the fuzzer) pass less.
inline constexpr std::uint64_t default_max_choices = std::uint64_t{1} << 27;
DecodedSchedule decode_schedule(std::string_view token, std::uint64_t max_choices = default_max_choices);

}  // namespace sim
