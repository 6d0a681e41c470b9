// The command line of interleave: every subcommand's flags, parsed into the arguments it takes.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>

#include "cli/cli.hpp"

namespace cli {

// Flags whose absence means something (a search to its end, no bound) are read into these.
struct Unset {
  std::uint64_t iterations = 0;
  std::int64_t preemptions = -1;
};

// The colour and timing flags as given, turned into OutputArgs once parsed.
struct Style {
  std::string color = "auto";
  bool no_timing = false;
  void apply(OutputArgs& o) const;
};

class CommandLine {
 public:
  CommandLine();
  // Parses the arguments; an exit status when they decide it alone (--help, --version, a bad flag).
  std::optional<int> parse(int argc, char** argv);
  // Runs the subcommand chosen.
  int run() const;

 private:
  CLI::App app_;
  RunArgs run_;
  ReplayArgs replay_;
  CheckArgs check_;
  TimelineArgs timeline_;
  CompareArgs compare_;
  RealArgs real_;
  MergeArgs merge_;
  Style run_style_, replay_style_, check_style_, merge_style_;
  Unset run_unset_, check_unset_;
  CLI::App* run_cmd_ = nullptr;
  CLI::App* replay_cmd_ = nullptr;
  CLI::App* check_cmd_ = nullptr;
  CLI::App* timeline_cmd_ = nullptr;
  CLI::App* compare_cmd_ = nullptr;
  CLI::App* merge_cmd_ = nullptr;
};

}  // namespace cli
