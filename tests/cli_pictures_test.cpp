// The command's pictures of a failure (issue 24): --html PAGE on run, check and replay, --trace-out
// DIR on run and FILE on replay; the same bytes for the same seed or token, whatever the job count;
// paths that cannot be written give a message and exit status 2.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "cli_process.hpp"

namespace {

namespace fs = std::filesystem;
using cli_test::quoted;
using cli_test::Result;
using cli_test::slurp;

// Runs `interleave ARGS` from the source directory, so that pages read scenarios/... as named.
Result interleave(const std::string& args) { return cli_test::run_in(INTERLEAVE_SOURCE_DIR, args); }

// A fresh folder for one test's files, removed when the test ends.
struct Scratch {
  fs::path dir;
  explicit Scratch(const std::string& name) : dir(cli_test::scratch(name)) {
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  ~Scratch() { fs::remove_all(dir); }
  std::string operator/(const std::string& name) const { return (dir / name).string(); }
};

// The token of the first replay command a run printed for `file`.
std::string first_token(const std::string& out, const std::string& file) {
  const std::string lead = "replay: interleave replay " + file + " ";
  const std::size_t at = out.find(lead);
  REQUIRE(at != std::string::npos);
  const std::size_t from = at + lead.size();
  return out.substr(from, out.find_first_of(" \n", from) - from);
}

}  // namespace

TEST_CASE("run --html and --trace-out: one page for the run, one trace per failure, the same bytes for the same seed and any --jobs") {
  const Scratch s("pictures_run");
  const std::string args = "run scenarios/bank_race.scn --no-timing --keep-going --html " + quoted(s / "bank.html") + " --trace-out ";
  const Result r = interleave(args + quoted(s / "traces"));
  CHECK(r.status == 1);
  const std::string html = slurp(s / "bank.html");
  CHECK(contains(html, "<h2>scenarios/bank_race.scn</h2>"));
  CHECK(contains(html, "<span class=\"kind\">DataRace</span>"));
  CHECK(contains(html, "<span class=\"kind\">AssertionFailed</span>"));
  CHECK(contains(html, "<code id=\"replay-1\">interleave replay scenarios/bank_race.scn v2."));
  // The scenario's racing line, read from the file the page was made beside.
  CHECK(contains(html, "<td class=\"ln\">8</td><td><code>        balance = balance - 80</code>"));
  for (const char* kind : {"DataRace", "AssertionFailed"}) {
    const nlohmann::json t = nlohmann::json::parse(slurp(s / ("traces/bank_race-" + std::string(kind) + ".json")));
    CHECK(t["metadata"]["kind"] == kind);
    CHECK(t["metadata"]["replay"].get<std::string>().rfind("interleave replay scenarios/bank_race.scn v2.", 0) == 0);
  }
  // Again with two OS threads exploring: the same page and the same traces, byte for byte.
  const Result again = interleave("run scenarios/bank_race.scn --no-timing --keep-going --jobs 2 --html " + quoted(s / "bank2.html") +
                                  " --trace-out " + quoted(s / "traces2"));
  CHECK(again.status == 1);
  CHECK(slurp(s / "bank2.html") == html);
  for (const char* kind : {"DataRace", "AssertionFailed"}) {
    const std::string name = "/bank_race-" + std::string(kind) + ".json";
    CHECK(slurp(s / ("traces2" + name)) == slurp(s / ("traces" + name)));
  }
}

TEST_CASE("replay --trace-out and --html: the replayed deadlock's trace and page, the same bytes for the same token") {
  const Scratch s("pictures_replay");
  const Result run = interleave("run scenarios/deadlock_two_locks.scn --no-timing");
  REQUIRE(run.status == 1);
  const std::string token = first_token(run.out, "scenarios/deadlock_two_locks.scn");
  auto replay = [&](const std::string& stem) {
    return interleave("replay scenarios/deadlock_two_locks.scn " + token + " --no-timing --trace-out " + quoted(s / (stem + ".json")) +
                      " --html " + quoted(s / (stem + ".html")));
  };
  CHECK(replay("first").status == 1);
  const nlohmann::json t = nlohmann::json::parse(slurp(s / "first.json"));
  CHECK(t["metadata"]["kind"] == "Deadlock");
  std::size_t arrows = 0;
  for (const auto& e : t["traceEvents"]) arrows += e["ph"] == "s" && e["cat"] == "explain" && contains(e["name"], " waits for ") ? 1 : 0;
  CHECK(arrows == 3);  // left and right wait for each other; main waits for one of them to finish
  CHECK(contains(slurp(s / "first.html"), "<svg "));
  CHECK(replay("second").status == 1);
  CHECK(slurp(s / "second.json") == slurp(s / "first.json"));
  CHECK(slurp(s / "second.html") == slurp(s / "first.html"));
}

TEST_CASE("check --html puts every scenario's report on one page") {
  const Scratch s("pictures_check");
  const Result r = interleave("check scenarios/bank_race.scn scenarios/bank_locked.scn --no-timing --html " + quoted(s / "check.html"));
  CHECK(r.status == 0);
  const std::string html = slurp(s / "check.html");
  CHECK(contains(html, "<h2>scenarios/bank_race.scn</h2>"));
  CHECK(contains(html, "<h2>scenarios/bank_locked.scn</h2>"));
  CHECK(contains(html, "<p class=\"summary ok\">interleave: no failure in "));
}

TEST_CASE("--html and --trace-out where nothing can be written: a message naming the flag and the path, exit 2") {
  const Scratch s("pictures_bad");
  for (const char* command : {"run", "check"}) {
    const Result page = interleave(std::string(command) + " scenarios/bank_race.scn --html /nonexistent/dir/page.html");
    CHECK(page.status == 2);
    CHECK(contains(page.err, "interleave: error: --html: "));
    CHECK(contains(page.err, "/nonexistent/dir/page.html"));
  }
  // A file where run expects a folder: refused before the search.
  std::ofstream(s / "a-file") << "x";
  const Result file = interleave("run scenarios/bank_race.scn --trace-out " + quoted(s / "a-file"));
  CHECK(file.status == 2);
  CHECK(contains(file.err, "interleave: error: --trace-out: " + (s / "a-file") + " is not a folder"));
  CHECK(file.out.empty());
  const Result proc = interleave("run scenarios/bank_race.scn --trace-out /proc/interleave-traces");
  CHECK(proc.status == 2);
  CHECK(contains(proc.err, "interleave: error: --trace-out: cannot make the folder /proc/interleave-traces"));
  // replay --trace-out into a folder that does not exist.
  const Result token_run = interleave("run scenarios/bank_race.scn --no-timing");
  const std::string token = first_token(token_run.out, "scenarios/bank_race.scn");
  const Result replay = interleave("replay scenarios/bank_race.scn " + token + " --trace-out /nonexistent/dir/t.json");
  CHECK(replay.status == 2);
  CHECK(contains(replay.err, "interleave: error: --trace-out: "));
  // An empty path is refused as the flags are read.
  const Result empty = interleave("run scenarios/bank_race.scn --html ''");
  CHECK(empty.status == 2);
  CHECK(contains(empty.err, "expected a file name"));
}
