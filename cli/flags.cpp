// Flags with strict checking: seeds without wrap-around, durations with units and ranges.
#include "cli/flags.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

#include "cli/cli.hpp"
#include "sim/core/schedule.hpp"

namespace cli {

namespace {

// "0.5", "2": the shortest way to write a bound, never 1.8e308 spelt out.
std::string shown(double x) { return fmt::format("{}", x); }

const char* unit_name(Unit unit) { return unit == Unit::Seconds ? "seconds" : "milliseconds"; }

}  // namespace

CLI::Option* seed_option(CLI::App& app, const std::string& name, std::uint64_t& seed, const std::string& description) {
  return app.add_option(name, seed, description)
      ->transform(CLI::Validator(
          [](std::string& text) -> std::string {
            std::uint64_t value = 0;
            const char* end = text.data() + text.size();
            const auto [at, error] = std::from_chars(text.data(), end, value);
            if (text.empty() || error != std::errc() || at != end) {
              return "'" + sim::printable(text) + "' is not a seed: expected a whole number from 0 to 18446744073709551615";
            }
            return {};
          },
          "SEED"))
      ->capture_default_str();
}

std::optional<Shard> parse_shard(const std::string& text) {
  const std::size_t slash = text.find('/');
  if (slash == std::string::npos) return std::nullopt;
  auto whole = [](std::string_view digits, std::uint32_t& out) {
    const auto [at, error] = std::from_chars(digits.data(), digits.data() + digits.size(), out);
    return !digits.empty() && error == std::errc() && at == digits.data() + digits.size();
  };
  Shard shard;
  const std::string_view all(text);
  if (!whole(all.substr(0, slash), shard.index) || !whole(all.substr(slash + 1), shard.count)) return std::nullopt;
  if (shard.count == 0 || shard.count > 100000 || shard.index >= shard.count) return std::nullopt;
  return shard;
}

CLI::Option* shard_option(CLI::App& app, std::optional<Shard>& shard) {
  return app
      .add_option_function<std::string>(
          "--shard", [&shard](const std::string& text) { shard = parse_shard(text); },
          "run only slice K of N of each search (K from 0 to N-1); the N shards' --json reports, given to "
          "'interleave merge', make the report of the whole search")
      ->check(CLI::Validator(
          [](std::string& text) -> std::string {
            if (parse_shard(text)) return {};
            return "'" + sim::printable(text) + "' is not a shard: expected K/N, whole numbers with 0 <= K < N <= 100000 (shards are numbered from 0), e.g. 0/4";
          },
          "K/N"));
}

std::optional<double> parse_duration(const std::string& text, Unit unit) {
  // Digits and at most one point: strtod would also take "nan", "inf" and hex floats.
  std::size_t digits_end = 0;
  bool point = false, digit = false;
  for (; digits_end < text.size(); ++digits_end) {
    const char c = text[digits_end];
    if (c >= '0' && c <= '9') {
      digit = true;
    } else if (c == '.' && !point) {
      point = true;
    } else {
      break;
    }
  }
  if (!digit || digits_end > 40) return std::nullopt;
  const double number = std::strtod(text.substr(0, digits_end).c_str(), nullptr);
  const std::string suffix = text.substr(digits_end);
  double seconds_per = 0;
  if (suffix.empty()) {
    seconds_per = unit == Unit::Seconds ? 1 : 1e-3;
  } else if (suffix == "ms") {
    seconds_per = 1e-3;
  } else if (suffix == "s") {
    seconds_per = 1;
  } else if (suffix == "m" || suffix == "min") {
    seconds_per = 60;
  } else if (suffix == "h") {
    seconds_per = 3600;
  } else {
    return std::nullopt;
  }
  const double value = number * seconds_per / (unit == Unit::Seconds ? 1 : 1e-3);
  if (!std::isfinite(value)) return std::nullopt;
  return value;
}

CLI::Option* duration_option(CLI::App& app, const std::string& name, double& value, const std::string& description, Unit unit,
                             DurationRange range) {
  return app.add_option(name, value, description)
      ->transform(CLI::Validator(
          [unit, range](std::string& text) -> std::string {
            const std::optional<double> v = parse_duration(text, unit);
            const std::string expected = fmt::format("a number of {} from {} to {}{}, optionally with a unit (500ms, 30s, 5m, 2h)",
                                                     unit_name(unit), shown(range.low), shown(range.high),
                                                     range.zero_allowed && range.low > 0 ? " (or 0)" : "");
            if (!v) return "'" + sim::printable(text) + "' is not a duration: expected " + expected;
            if ((*v < range.low && !(range.zero_allowed && *v == 0)) || *v > range.high) {
              return "'" + sim::printable(text) + "' is out of range: expected " + expected;
            }
            text = fmt::format("{}", *v);
            return {};
          },
          "DURATION"))
      ->capture_default_str();
}

}  // namespace cli
