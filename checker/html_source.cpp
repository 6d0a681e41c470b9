// The page's source excerpts: a few lines around each place the failure involves, read from the
// files the locations name (relative paths from the current directory, then HtmlOptions::source_dirs).
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>

#include "checker/html_parts.hpp"

namespace checker::html {

namespace {

struct Place {
  std::string file;  // as the location gives it
  std::uint32_t line = 0;
  std::string label;
};

constexpr std::uintmax_t max_source_bytes = 4u << 20;  // a larger "source" is not one a person wrote

void add(std::vector<Place>& places, sim::Location where, std::string label) {
  if (where.file == nullptr || where.file[0] == '\0' || where.line == 0) return;
  places.push_back({where.file, where.line, std::move(label)});
}

std::vector<Place> places_of(const sim::Failure& f) {
  std::vector<Place> places;
  for (const sim::Access& a : f.accesses) {
    add(places, a.where, fmt::format("{}: {} (step {})", a.task_name, access_text(f, a), sim::index(a.step)));
  }
  for (const sim::Blocked& b : f.blocked) {
    // A join waits on a task, not an object.
    const std::string on = b.object != sim::no_object ? f.history.object_name(b.object) : f.history.task_name(b.holder);
    add(places, b.where, fmt::format("{} blocked in {} {}", f.history.task_name(b.task), to_string(b.kind), on));
  }
  if (f.accesses.empty()) add(places, f.where, fmt::format("{}{}", to_string(f.kind), f.task_name.empty() ? "" : " in " + f.task_name));
  return places;
}

std::optional<std::vector<std::string>> read_lines(const std::string& file, const HtmlOptions& options) {
  namespace fs = std::filesystem;
  std::vector<fs::path> candidates{fs::path(file)};
  if (fs::path(file).is_relative()) {
    // As written, and as stories show it (leading ./ and ../ dropped: a compiler's path from its build directory).
    const std::string shown = to_string(sim::Location{file.c_str(), 0});
    const std::string cleaned = shown.substr(0, shown.rfind(':'));
    for (const std::string& dir : options.source_dirs) {
      candidates.push_back(fs::path(dir) / file);
      if (cleaned != file) candidates.push_back(fs::path(dir) / cleaned);
    }
  }
  for (const fs::path& p : candidates) {
    std::error_code ec;
    if (!fs::is_regular_file(p, ec) || fs::file_size(p, ec) > max_source_bytes || ec) continue;
    std::ifstream in(p, std::ios::binary);
    if (!in) continue;
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      lines.push_back(std::move(line));
    }
    return lines;
  }
  return std::nullopt;
}

void excerpt(std::string& out, const std::string& file, const std::vector<Place>& places, const HtmlOptions& options) {
  const std::string shown = to_string(sim::Location{file.c_str(), 0});
  out += "<div class=\"source\"><div class=\"file\">" + escape(shown.substr(0, shown.rfind(':'))) + "</div>\n";
  const std::optional<std::vector<std::string>> lines = read_lines(file, options);
  if (!lines) {
    out += "<p class=\"missing\">The file could not be read from the directory this page was made in; the lines involved:";
    for (const Place& p : places) out += fmt::format(" {} ({})", p.line, escape(p.label));
    out += "</p></div>\n";
    return;
  }
  std::vector<std::uint32_t> hits;
  for (const Place& p : places) hits.push_back(p.line);
  std::sort(hits.begin(), hits.end());
  out += "<table>";
  std::uint32_t shown_to = 0;  // the last line written
  for (std::size_t i = 0; i < hits.size(); ++i) {
    const std::uint32_t from = std::max<std::uint32_t>(hits[i] > options.context_lines ? hits[i] - options.context_lines : 1, shown_to + 1);
    const std::uint32_t to = std::min<std::uint32_t>(hits[i] + options.context_lines, static_cast<std::uint32_t>(lines->size()));
    if (from > to) continue;
    if (shown_to != 0 && from > shown_to + 1) out += "<tr class=\"gap\"><td class=\"ln\">⋯</td><td></td><td></td></tr>";
    for (std::uint32_t n = from; n <= to; ++n) {
      std::string labels;
      for (const Place& p : places) {
        // Appended in two steps: `const char* + std::string` here gave g++ 12 a false
        // -Wstringop-overflow at the LTO link, printed in every build of the command.
        if (p.line != n) continue;
        if (!labels.empty()) labels += "; ";
        labels += escape(p.label);
      }
      out += fmt::format("<tr{}><td class=\"ln\">{}</td><td><code>{}</code></td><td class=\"label\">{}</td></tr>", labels.empty() ? "" : " class=\"hit\"",
                         n, escape((*lines)[n - 1]), labels);
    }
    shown_to = to;
  }
  out += "</table></div>\n";
}

}  // namespace

void source_excerpts(std::string& out, const sim::Failure& f, const HtmlOptions& options) {
  const std::vector<Place> places = places_of(f);
  if (places.empty()) {
    out += "<p class=\"missing\">No source place is known for this failure.</p>\n";
    return;
  }
  std::vector<std::string> files;  // in the order the places name them
  for (const Place& p : places) {
    if (std::find(files.begin(), files.end(), p.file) == files.end()) files.push_back(p.file);
  }
  for (const std::string& file : files) {
    std::vector<Place> in_file;
    std::copy_if(places.begin(), places.end(), std::back_inserter(in_file), [&](const Place& p) { return p.file == file; });
    excerpt(out, file, in_file, options);
  }
}

}  // namespace checker::html
