// Diagnostics: rendering with a caret line, and the edit distance behind did-you-mean.
#include "lang/diagnostics.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

namespace lang {

namespace {

constexpr std::size_t max_shown_line = 240;  // longer lines are cut, so a caret stays readable

bool continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Edits between two names, a swap of neighbours counting as one (optimal string alignment):
// 'alcie' is one edit from 'alice'.
std::size_t distance(std::string_view a, std::string_view b) {
  const std::size_t w = b.size() + 1;
  std::vector<std::size_t> d((a.size() + 1) * w);
  for (std::size_t i = 0; i <= a.size(); ++i) d[i * w] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      std::size_t best = std::min({d[(i - 1) * w + j] + 1, d[i * w + j - 1] + 1, d[(i - 1) * w + j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) best = std::min(best, d[(i - 2) * w + j - 2] + 1);
      d[i * w + j] = best;
    }
  }
  return d[a.size() * w + b.size()];
}

bool same_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::string Diagnostic::headline() const {
  std::string out = file;
  if (pos.line > 0) out += ":" + std::to_string(pos.line) + ":" + std::to_string(pos.col);
  return out + ": error: " + message;
}

std::string Diagnostic::render(bool color) const {
  const char* bold = color ? "\x1b[1m" : "";
  const char* red = color ? "\x1b[1;31m" : "";
  const char* green = color ? "\x1b[1;32m" : "";
  const char* reset = color ? "\x1b[0m" : "";
  std::string out = std::string(bold) + file;
  if (pos.line > 0) out += ":" + std::to_string(pos.line) + ":" + std::to_string(pos.col);
  out += std::string(": ") + red + "error:" + reset + bold + " " + message + reset + "\n";
  if (pos.line == 0) return out;
  std::string shown = source_line.substr(0, max_shown_line);
  while (!shown.empty() && continuation(shown.back())) shown.pop_back();
  const std::string number = std::to_string(pos.line);
  out += " " + number + " | " + shown + "\n";
  // Walk the line to the column, copying tabs so the caret lines up under them.
  std::string pad;
  std::uint32_t col = 1;
  for (std::size_t i = 0; i < shown.size() && col < pos.col; ++i) {
    if (continuation(shown[i])) continue;
    pad += shown[i] == '\t' ? '\t' : ' ';
    ++col;
  }
  while (col++ < pos.col) pad += ' ';
  std::string marks = "^";
  for (std::uint32_t i = 1; i < std::min<std::uint32_t>(width, 80); ++i) marks += '~';
  out += " " + std::string(number.size(), ' ') + " | " + pad + green + marks + reset + "\n";
  return out;
}

std::string closest(std::string_view name, std::span<const std::string_view> candidates) {
  // A third of the name's length, at least one edit: 'balanse' finds 'balance', 'x' finds nothing far.
  const std::size_t allowed = std::max<std::size_t>(1, name.size() / 3);
  if (name.size() > 64) return {};  // no typo makes a name that long; and the distance is quadratic
  std::string_view best;
  std::size_t best_distance = 0;
  for (std::string_view c : candidates) {
    if (c == name || c.empty()) continue;
    if (same_ignoring_case(c, name)) return std::string(c);
    if (c.size() > name.size() + allowed || name.size() > c.size() + allowed) continue;
    const std::size_t d = distance(name, c);
    if (best.empty() || d < best_distance || (d == best_distance && c < best)) {
      best = c;
      best_distance = d;
    }
  }
  if (best.empty() || best_distance > allowed || best_distance >= best.size()) return {};
  return std::string(best);
}

std::string did_you_mean(std::string_view name, std::span<const std::string_view> candidates) {
  std::string best = closest(name, candidates);
  return best.empty() ? std::string() : " (did you mean '" + best + "'?)";
}

std::string quote(std::string_view text) {
  if (text.empty()) return "end of file";
  if (text == "\n") return "end of line";
  std::string out = "'";
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) {
      static const char hex[] = "0123456789abcdef";
      out += "\\x";
      out += hex[u >> 4];
      out += hex[u & 15];
    } else {
      out += c;
    }
  }
  return out + "'";
}

}  // namespace lang
