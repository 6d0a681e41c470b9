// Tests that the command's documentation keeps up with it: every subcommand and every flag its
// --help lists, and the command's own flags, are named in the man page (docs/interleave.1) and in docs/cli.md.
#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot read " << path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string help(const std::string& args) {
  const std::string command = std::string("'") + INTERLEAVE_BIN + "' " + args + " --help 2>&1";
  std::FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) out.append(buf, n);
  REQUIRE(::pclose(pipe) == 0);
  return out;
}

// The subcommands the top-level --help lists: the first word of each line under "Subcommands:".
std::vector<std::string> subcommands() {
  std::istringstream lines(help(""));
  std::vector<std::string> names;
  bool in_list = false;
  for (std::string line; std::getline(lines, line);) {
    if (line == "Subcommands:") in_list = true;
    else if (in_list && line.rfind("  ", 0) == 0) names.push_back(line.substr(2, line.find(' ', 2) - 2));
    else if (in_list && line.empty()) break;
  }
  return names;
}

std::set<std::string> long_flags(const std::string& text) {
  static const std::regex flag("--[a-z][a-z0-9-]*");
  std::set<std::string> flags;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), flag); it != std::sregex_iterator(); ++it) flags.insert(it->str());
  flags.erase("--help");
  return flags;
}

// roff writes a hyphen as \- (a plain - may be typeset as a hyphenation point).
std::string unescape_roff(std::string text) {
  for (std::size_t at = text.find("\\-"); at != std::string::npos; at = text.find("\\-", at)) text.erase(at, 1);
  return text;
}

}  // namespace

TEST_CASE("the man page and docs/cli.md name every subcommand and every flag") {
  const std::string man = unescape_roff(slurp(INTERLEAVE_SOURCE_DIR "/docs/interleave.1"));
  const std::string cli_md = slurp(INTERLEAVE_SOURCE_DIR "/docs/cli.md");
  const std::vector<std::string> commands = subcommands();
  REQUIRE(commands.size() >= 3);  // run, replay, check at least: the parse above found the list
  for (const std::string& flag : long_flags(help(""))) {  // the command's own, --version
    CAPTURE(flag);
    CHECK_MESSAGE(man.find(flag) != std::string::npos, "docs/interleave.1 does not name " << flag);
    CHECK_MESSAGE(cli_md.find(flag) != std::string::npos, "docs/cli.md does not name " << flag);
  }
  for (const std::string& command : commands) {
    CAPTURE(command);
    CHECK_MESSAGE(man.find(".B interleave " + command) != std::string::npos, "the man page's synopsis lacks " << command);
    CHECK_MESSAGE(cli_md.find("interleave " + command) != std::string::npos, "docs/cli.md lacks " << command);
    for (const std::string& flag : long_flags(help(command))) {
      CAPTURE(flag);
      CHECK_MESSAGE(man.find(flag) != std::string::npos, "docs/interleave.1 does not name " << flag << " of " << command);
      CHECK_MESSAGE(cli_md.find(flag) != std::string::npos, "docs/cli.md does not name " << flag << " of " << command);
    }
  }
}

TEST_CASE("the man page and docs/cli.md name every strategy --strategy takes") {
  const std::string man = unescape_roff(slurp(INTERLEAVE_SOURCE_DIR "/docs/interleave.1"));
  const std::string cli_md = slurp(INTERLEAVE_SOURCE_DIR "/docs/cli.md");
  // CLI11 lists the choices: "--strategy TEXT:{portfolio,random,...}".
  std::smatch m;
  const std::string run_help = help("run");
  REQUIRE(std::regex_search(run_help, m, std::regex(R"(--strategy TEXT:\{([a-z,]+)\})")));
  std::istringstream names(m[1].str());
  int count = 0;
  for (std::string name; std::getline(names, name, ',');) {
    CAPTURE(name);
    ++count;
    CHECK_MESSAGE(man.find(".B " + name + "\n") != std::string::npos, "docs/interleave.1 does not describe " << name);
    CHECK_MESSAGE(cli_md.find("`" + name + "`") != std::string::npos, "docs/cli.md does not describe " << name);
  }
  CHECK(count >= 6);  // portfolio, random, pct, pos, dfs, dpor at least: the parse above found the list
}
