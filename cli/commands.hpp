// The subcommands that add their own flags to the command line (CLI11), so main.cpp stays short.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/cli.hpp"

namespace cli {

CLI::App* add_timeline_command(CLI::App& app, TimelineArgs& args);
CLI::App* add_compare_command(CLI::App& app, CompareArgs& args);
CLI::App* add_real_command(CLI::App& app, RealArgs& args);
void timing_overrides(CLI::App& cmd, TimingOverrides& overrides);

}  // namespace cli
