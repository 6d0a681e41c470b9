// command_line: reading interleave's options from the process's arguments.
#include "interleave/command_line.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>

namespace sim {

namespace {

constexpr std::string_view prefix = "--interleave-";

std::vector<std::string> process_arguments() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  const std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::string> args;
  for (std::size_t at = 0; at < all.size();) {
    const std::size_t end = all.find('\0', at);
    args.push_back(all.substr(at, end == std::string::npos ? std::string::npos : end - at));
    at = end == std::string::npos ? all.size() : end + 1;
  }
  if (!args.empty()) args.erase(args.begin());  // the program's name
  return args;
}

}  // namespace

std::string apply_command_line(const std::vector<std::string>& args, CheckOptions& options) {
  for (const std::string& arg : args) {
    if (!arg.starts_with(prefix)) continue;
    if (arg == "--interleave-plain-accesses=switch") {
      options.limits.plain_accesses = ExecutionLimits::PlainAccesses::Switch;
    } else if (arg == "--interleave-plain-accesses=watch") {
      options.limits.plain_accesses = ExecutionLimits::PlainAccesses::Watch;
    } else if (arg.starts_with("--interleave-plain-accesses")) {
      return "interleave: bad argument '" + arg + "': expected --interleave-plain-accesses=switch or =watch";
    } else {
      return "interleave: unknown argument '" + arg + "': the one interleave option is --interleave-plain-accesses=switch|watch";
    }
  }
  return {};
}

CheckOptions with_command_line(CheckOptions options) {
  static const std::vector<std::string> args = process_arguments();
  const std::string error = apply_command_line(args, options);
  if (!error.empty()) {
    std::fprintf(stderr, "%s\n", error.c_str());
    std::exit(2);
  }
  return options;
}

}  // namespace sim
