// The INTERLEAVE_* environment switches, parsed strictly: a bad value is an error, never ignored.
#include "interleave/environment.hpp"

#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string_view>

#include "sim/core/schedule.hpp"

namespace sim {

namespace {

std::optional<std::string_view> variable(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string_view(value);
}

[[noreturn]] void bad(const char* name, std::string_view value, std::string_view expected) {
  throw std::invalid_argument(std::string(name) + "='" + std::string(value) + "': " + std::string(expected));
}

// Digits only: no sign, no spaces, no exponent, nothing after the number.
std::optional<std::uint64_t> whole_number(const char* name, std::uint64_t low, std::uint64_t high, std::string_view range) {
  const std::optional<std::string_view> text = variable(name);
  if (!text) return std::nullopt;
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
  const bool parsed = error == std::errc{} && end == text->data() + text->size();
  if (!parsed || value < low || value > high) bad(name, *text, std::string("expected a whole number from ") + std::string(range));
  return value;
}

}  // namespace

Environment read_environment() {
  Environment env;
  env.seed = whole_number("INTERLEAVE_SEED", 0, UINT64_MAX, "0 to 18446744073709551615");
  env.iterations = whole_number("INTERLEAVE_ITERATIONS", 1, std::uint64_t{1} << 40, "1 to 1099511627776");
  if (const std::optional<std::string_view> token = variable("INTERLEAVE_REPLAY")) {
    // Its form only: the replay decodes it again against the limits the check runs with.
    const DecodedSchedule decoded = decode_schedule(*token, UINT64_MAX);
    if (!decoded.ok()) bad("INTERLEAVE_REPLAY", *token, "not a replay token: " + decoded.error);
    env.replay_token = std::string(*token);
  }
  return env;
}

}  // namespace sim
