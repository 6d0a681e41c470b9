// Tests the HTML page of a report: what it shows, that it fetches nothing, folds and escapes.
#include <doctest/doctest.h>

#include <fstream>
#include <regex>
#include <string>

#include "checker/explain.hpp"
#include "tests/picture_bodies.hpp"
#include "text_support.hpp"

namespace {

const checker::HtmlOptions with_sources{.source_dirs = {INTERLEAVE_SOURCE_DIR}};

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++n;
  return n;
}

sim::Report explored(void (*body)()) {
  return sim::check_random(body, {.iterations = 200, .seed = 1, .on_failure = sim::OnFailure::Continue});
}

// The text of line `n` of a file of this repository.
std::string source_line(const std::string& file, std::uint32_t n) {
  std::ifstream in(std::string(INTERLEAVE_SOURCE_DIR) + "/" + file);
  std::string line;
  for (std::uint32_t i = 0; i < n && std::getline(in, line); ++i) {}
  return line;
}

std::string escaped(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '&') out += "&amp;";
    else if (c == '"') out += "&quot;";
    else if (c == '\'') out += "&#39;";
    else out += c;
  }
  return out;
}

}  // namespace

TEST_CASE("the bank race's page: headline, both racing accesses and their source lines, the replay command, the steps") {
  const sim::Report r = explored(pictures::bank_race);
  const sim::Failure* race = r.find(sim::FailureKind::DataRace);
  REQUIRE(race != nullptr);
  const std::string page = sim::to_html(r, "interleave replay bank {token}", with_sources);
  CHECK(page.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(contains(page, "<span class=\"kind\">DataRace</span>"));
  CHECK(contains(page, escaped(race->message)));
  // Both accesses, each with its place, and the lines of source they are on, marked.
  for (const sim::Access& a : race->accesses) {
    CHECK(contains(page, escaped(sim::describe(a.where))));
    CHECK(contains(page, "<tr class=\"hit\"><td class=\"ln\">" + std::to_string(a.where.line) + "</td><td><code>" +
                             escaped(source_line("tests/picture_bodies.hpp", a.where.line)) + "</code>"));
  }
  // In each race's step table, its two racing steps are the ones marked.
  std::size_t races = 0;
  for (const sim::Failure& f : r.failures) races += checker::race_pair(f) ? 1 : 0;
  CHECK(races >= 1);
  CHECK(count(page, "<tr class=\"step race") == 2 * races);
  // The replay command, with a copy button pointing at it.
  CHECK(contains(page, "<code id=\"replay-1\">interleave replay bank " + race->token + "</code>"));
  CHECK(contains(page, "<button type=\"button\" class=\"copy\" data-copy=\"replay-1\">Copy</button>"));
  // Every step is a row, tagged with its task and object for the filter.
  std::size_t rows = 0;
  for (const sim::Failure& f : r.failures) rows += f.history.steps.size();
  CHECK(count(page, "<tr class=\"step") == rows);
  CHECK(contains(page, "data-task=\"alice\" data-object=\"balance\""));
  CHECK(contains(page, "<input type=\"search\" class=\"filter\""));
}

TEST_CASE("the page is self-contained: no reference to anything outside it") {
  const sim::Report r = explored(pictures::opposite_order);
  const std::string page = sim::to_html(r, {}, with_sources);
  CHECK(!contains(page, " src="));
  CHECK(!contains(page, " href="));
  CHECK(!contains(page, "<link"));
  CHECK(!contains(page, "@import"));
  CHECK(!contains(page, "fetch("));
  CHECK(!contains(page, "XMLHttpRequest"));
  // The only URL is the SVG namespace, which names rather than fetches.
  const std::regex url("https?://[^\"' <]*");
  for (auto it = std::sregex_iterator(page.begin(), page.end(), url); it != std::sregex_iterator(); ++it) {
    CHECK(it->str() == "http://www.w3.org/2000/svg");
  }
  CHECK(count(page, "<style>") == 1);
  CHECK(count(page, "<script>") == 1);
}

TEST_CASE("a deadlock's page draws the wait-for graph as SVG, the cycle in red") {
  const sim::Report all = explored(pictures::opposite_order);
  const sim::Failure* f = all.find(sim::FailureKind::Deadlock);
  REQUIRE(f != nullptr);
  sim::Report r;
  r.failures.push_back(*f);
  const std::string page = sim::to_html(r, {}, with_sources);
  REQUIRE(count(page, "<svg ") == 1);
  CHECK(contains(page, "<g class=\"node task cycle\"><rect"));
  // Tasks alice and bob in the cycle, main outside it; the two mutexes as objects.
  for (const char* name : {"alice", "bob"}) CHECK(std::regex_search(page, std::regex(std::string("node task cycle\"><rect[^>]*/><text[^>]*>") + name + "<")));
  CHECK(std::regex_search(page, std::regex("node task\"><rect[^>]*/><text[^>]*>main<")));
  for (const char* name : {"a", "b"}) CHECK(std::regex_search(page, std::regex(std::string("node object\"><rect[^>]*/><text[^>]*>") + name + "<")));
  // Arrows: each task in the cycle waits on a lock held by the other (four red), main joins alice.
  CHECK(count(page, "class=\"edge cycle\"") == 4);
  CHECK(count(page, "class=\"edge\"") == 1);
  CHECK(contains(page, ">joins</text>"));
  // The blocked tasks' lines, in the source excerpt.
  for (const sim::Blocked& b : f->blocked) CHECK(contains(page, "<td class=\"ln\">" + std::to_string(b.where.line) + "</td>"));
}

TEST_CASE("a long history stays usable: every step is on the page, long unremarkable runs folded") {
  const sim::Report r = sim::check_random(pictures::long_run, {.iterations = 1, .seed = 3});
  const sim::Failure* f = r.find(sim::FailureKind::AssertionFailed);
  REQUIRE(f != nullptr);
  REQUIRE(f->history.steps.size() > 2400);
  const std::string page = sim::to_html(r, {}, with_sources);
  CHECK(count(page, "<tr class=\"step") == f->history.steps.size());
  const std::size_t folded = count(page, "\" hidden>");
  const std::size_t folds = count(page, "<tr class=\"fold\"");
  CHECK(folds >= 1);
  // Folded rows are the unremarkable ones: never a preemption, and never fewer than 8 in a run.
  CHECK(folded >= 8 * folds);
  CHECK(!std::regex_search(page, std::regex("class=\"step preempt\"[^>]*hidden")));
  std::size_t preemptions = 0;
  for (std::size_t i = 1; i < f->history.steps.size(); ++i) preemptions += f->history.steps[i].preempted ? 1 : 0;
  CHECK(count(page, "<tr class=\"step preempt\"") == preemptions);
  CHECK(contains(page, "steps folded (main "));
}

TEST_CASE("the same token gives the same page, byte for byte; names are escaped") {
  auto body = [] {
    sim::Shared<int> x{0, "x<&>"};
    sim::Thread t([&] { x.store(1); }, "t\"<b>");
    x.store(2);
    t.join();
  };
  const sim::Report r = sim::check_random(body, {.iterations = 50, .seed = 1});
  const sim::Failure* f = r.find(sim::FailureKind::DataRace);
  REQUIRE(f != nullptr);
  const std::string page = sim::to_html(sim::replay(body, f->token), "replay {token}");
  CHECK(page == sim::to_html(sim::replay(body, f->token), "replay {token}"));
  CHECK(contains(page, "t&quot;&lt;b&gt;"));
  CHECK(contains(page, "x&lt;&amp;&gt;"));
  CHECK(!contains(page, "<b>"));
  CHECK(!contains(page, " s ["));  // no wall time unless asked
}

TEST_CASE("a source file that cannot be read is said so, with the lines involved") {
  sim::Report r = explored(pictures::bank_race);
  for (sim::Failure& f : r.failures) {
    f.where.file = "gone/missing.cpp";
    for (sim::Access& a : f.accesses) a.where.file = "gone/missing.cpp";
  }
  const std::string page = sim::to_html(r, {}, {.source_dirs = {"/nonexistent"}});
  CHECK(contains(page, "could not be read"));
  CHECK(!contains(page, "<tr class=\"hit\">"));
}
