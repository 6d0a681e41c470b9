// Flags that need more checking than CLI11 gives: seeds (no silent wrap-around) and durations
// (finite, in range, with units).
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>

namespace cli {

struct Shard;

// A seed: a whole number from 0 to 2^64-1, written in decimal ("-1" and "2^64" are refused
// instead of wrapping round).
CLI::Option* seed_option(CLI::App& app, const std::string& name, std::uint64_t& seed, const std::string& description);

enum class Unit : std::uint8_t { Seconds, Milliseconds };

struct DurationRange {
  double low = 0;    // in the option's unit
  double high = 0;
  bool zero_allowed = false;  // 0 is allowed even when below `low` (e.g. "no limit")
};

// A duration in `unit`: a number, optionally followed by a unit (ms, s, m, h), e.g. 500ms, 30s,
// 1.5m, 2h. NaN, infinities, negative numbers and values out of `range` are refused with a
// message that says what was expected.
CLI::Option* duration_option(CLI::App& app, const std::string& name, double& value, const std::string& description, Unit unit,
                             DurationRange range);

// --shard K/N: the K-th of N slices of the search, numbered from 0 as a Kubernetes Indexed Job's
// completion index and a Slurm array's task id are (K < N, N at most 100000).
CLI::Option* shard_option(CLI::App& app, std::optional<Shard>& shard);
std::optional<Shard> parse_shard(const std::string& text);

// The duration `text` in `unit`, or nullopt (exposed for tests).
std::optional<double> parse_duration(const std::string& text, Unit unit);

}  // namespace cli
