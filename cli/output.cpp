// Output helpers the subcommands share: colour, quoting, diagnostics, stories with replay commands.
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <nlohmann/json.hpp>

#include "checker/story.hpp"
#include "cli/cli.hpp"
#include "cli/stop.hpp"

namespace cli {

int finish(int status) {
  errno = 0;
  if (std::fflush(stdout) != 0 || std::ferror(stdout) != 0) {
    std::fprintf(stderr, "interleave: error: cannot write to standard output%s%s\n", errno != 0 ? ": " : "",
                 errno != 0 ? std::strerror(errno) : "");
    return exit_usage;
  }
  if (stopped() && (status == exit_ok || status == exit_time_limit)) return exit_signal_base + stop_signal();
  return status;
}

bool use_color(Color color, int fd) {
  if (color != Color::Auto) return color == Color::Always;
  const char* no_color = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  if (no_color != nullptr && *no_color != '\0') return false;
  if (term != nullptr && std::strcmp(term, "dumb") == 0) return false;
  return ::isatty(fd) != 0;
}

std::string paint(const std::string& text, const char* code, bool color) {
  if (!color) return text;
  return std::string("\x1b[") + code + "m" + text + "\x1b[0m";
}

std::string shell_quote(const std::string& word) {
  const bool safe = !word.empty() && word.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./+:=,@%") == std::string::npos;
  if (safe) return word;
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string Limits::flags() const {
  std::string out;
  if (max_call_depth != Limits{}.max_call_depth) out += " --max-call-depth " + std::to_string(max_call_depth);
  if (max_loop_work != Limits{}.max_loop_work) out += " --max-loop-work " + std::to_string(max_loop_work);
  if (max_tasks != Limits{}.max_tasks) out += " --max-tasks " + std::to_string(max_tasks);
  if (max_nesting != Limits{}.max_nesting) out += " --max-nesting " + std::to_string(max_nesting);
  if (max_file_size != Limits{}.max_file_size) out += " --max-file-size " + std::to_string(max_file_size);
  if (max_elements != Limits{}.max_elements) out += " --max-elements " + std::to_string(max_elements);
  return out;
}

std::string replay_command_line(const std::string& file, const std::string& token, std::uint32_t max_steps, const Limits& limits) {
  std::string line = "interleave replay " + shell_quote(file) + " " + shell_quote(token);
  if (max_steps != ExploreArgs{}.max_steps) line += " --max-steps " + std::to_string(max_steps);
  return line + limits.flags();
}

double six_decimals(double x) { return std::round(x * 1e6) / 1e6; }

std::optional<lang::Loaded> load(const std::string& path, bool color, const Limits& limits, std::string* diagnostic) {
  lang::Loaded loaded = lang::load_file(path, limits.load());
  if (loaded.ok()) return loaded;
  std::fputs(loaded.error->render(color).c_str(), stderr);
  if (diagnostic != nullptr) *diagnostic = loaded.error->render(false);
  return std::nullopt;
}

std::vector<std::string> printed(const sim::Failure& failure) {
  std::vector<std::string> lines;
  for (const sim::HistoryStep& s : failure.history.steps) {
    if (s.kind == sim::OpKind::Print) lines.push_back(s.value);
  }
  return lines;
}

std::string replay_hint(const std::string& file, std::uint32_t max_steps, const Limits& limits) {
  std::string hint = replay_command_line(file, "{token}", max_steps, limits);
  // The token placeholder must survive quoting: put it back.
  if (auto at = hint.find("'{token}'"); at != std::string::npos) hint.replace(at, 9, "{token}");
  return hint;
}

std::string stories(const sim::Report& report, const std::string& file, std::uint32_t max_steps, bool color, const Limits& limits,
                    bool full_table) {
  std::string out;
  for (const sim::Failure& f : report.failures) {
    checker::TextOptions options;
    options.timing = false;
    if (full_table) options.table_tasks = 0;
    options.replay_hint = replay_hint(file, max_steps, limits);
    std::string story = checker::story(f, options);
    const std::size_t headline = story.find('\n');
    out += "\n" + paint(story.substr(0, headline), "1;31", color) + story.substr(headline);
    const std::vector<std::string> lines = printed(f);
    if (!lines.empty()) {
      out += "\nOutput (" + std::to_string(lines.size()) + " line" + (lines.size() == 1 ? "" : "s") + " printed):\n";
      for (const std::string& line : lines) out += "  " + line + "\n";
    }
  }
  return out;
}

}  // namespace cli
