// The command in CI (issue 20): --version, check --json, --junit reports read back by an XML
// parser (python3's xml.etree), --quiet keeping the tokens, the time limit's exit status, and
// SIGTERM, SIGHUP and SIGINT each ending a search with its report, JSON and files written.
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "cli_process.hpp"
#include "junit_reader.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

using cli_test::scratch;
using cli_test::slurp;

using cli_test::quoted;
using cli_test::Result;
using cli_test::read_junit;

// Runs `interleave ARGS` (shell words) from the source directory.
Result interleave(const std::string& args) { return cli_test::run_in(INTERLEAVE_SOURCE_DIR, args); }

// A scenario whose name and assertion message hold what XML must escape (and bytes that are not
// UTF-8, and a control character): its two threads race and lose an update, though it expects ok.
fs::path awkward_scenario() {
  const fs::path dir = scratch("awkward");
  fs::create_directories(dir);
  const fs::path file = dir / "a<b&\"c'.scn";
  std::ofstream(file) << "expect ok\nshared n = 0\nthread w[2]:\n    n = n + 1\nfinally:\n"
                         "    assert n == 2, \"lost <update> & 'more' \xff\x01 ]]> end\"\n";
  return file;
}

// A search that never ends by itself and finds nothing.
fs::path calm_scenario(const std::string& name) {
  const fs::path file = scratch(name);
  std::ofstream(file) << "shared x = 0\nmutex m\nthread t[6]:\n    repeat 200:\n        lock m:\n            x = x + 1\n";
  return file;
}

}  // namespace

TEST_CASE("--version and -V print the project's version and exit 0") {
  for (const char* flag : {"--version", "-V"}) {
    const Result r = interleave(flag);
    CAPTURE(flag);
    CHECK(r.status == 0);
    CHECK(r.out == "interleave " INTERLEAVE_VERSION "\n");
  }
  CHECK(interleave("--version run").status == 0);
  CHECK(interleave("--help").out.find("--version") != std::string::npos);
}

TEST_CASE("check --json: one complete document, run's results with a verdict each; a file that does not load is an error") {
  const fs::path awkward = awkward_scenario();
  const Result r = interleave("check scenarios/bank_race.scn scenarios/bank_locked.scn " + quoted(awkward) +
                              " tests/malformed/unknown_variable.scn --json --no-timing --iterations 200");
  INFO(r.out, r.err);
  CHECK(r.status == 2);  // the malformed file
  const json j = json::parse(r.out);
  CHECK(j["version"] == 2);
  CHECK(j["interrupted"] == false);
  CHECK(!j.contains("signal"));
  CHECK(j["not_run"].empty());
  REQUIRE(j["results"].size() == 4);
  const json& race = j["results"][0];
  CHECK(race["file"] == "scenarios/bank_race.scn");
  CHECK(race["verdict"] == "pass");
  CHECK(race["as_expected"] == true);
  REQUIRE(!race["failures"].empty());
  for (const json& f : race["failures"]) CHECK(f["token"].get<std::string>().rfind("v2.", 0) == 0);
  CHECK(j["results"][1]["verdict"] == "pass");
  CHECK(j["results"][1]["failures"].empty());
  CHECK(j["results"][2]["verdict"] == "mismatch");
  CHECK(j["results"][2]["as_expected"] == false);
  CHECK(j["results"][3]["verdict"] == "error");
  CHECK(contains(j["results"][3]["error"].get<std::string>(), "tests/malformed/unknown_variable.scn:4:8: error: unknown variable 'balanse'"));
  CHECK(interleave("check scenarios/bank_race.scn --json --no-timing --iterations 200").out ==
        interleave("check scenarios/bank_race.scn --json --no-timing --iterations 200").out);
  fs::remove_all(awkward.parent_path());
}

TEST_CASE("run --junit: a test case per file; findings are a failure with kind, place, stories and tokens; escaped throughout") {
  const fs::path awkward = awkward_scenario();
  const fs::path xml = scratch("run.xml");
  const Result r = interleave("run scenarios/bank_race.scn scenarios/bank_locked.scn " + quoted(awkward) +
                              " tests/malformed/unknown_variable.scn --keep-going --json --no-timing --junit " + quoted(xml));
  INFO(r.out, r.err);
  CHECK(r.status == 2);
  const json runs = json::parse(r.out);
  const json j = read_junit(xml);
  CHECK(j["root"] == "testsuites");
  CHECK(j["attrib"]["tests"] == "4");
  CHECK(j["attrib"]["failures"] == "2");
  CHECK(j["attrib"]["errors"] == "1");
  REQUIRE(j["suites"].size() == 1);
  const json& cases = j["suites"][0]["cases"];
  REQUIRE(cases.size() == 4);
  CHECK(j["suites"][0]["attrib"]["name"] == "interleave run");
  CHECK(cases[0]["name"] == "scenarios/bank_race.scn");
  CHECK(cases[0]["result"] == "failure");
  const json& first = runs["results"][0]["failures"][0];
  CHECK(cases[0]["type"] == first["kind"]);
  CHECK(cases[0]["message"].get<std::string>().rfind(first["kind"].get<std::string>() + " at scenarios/bank_race.scn:", 0) == 0);
  for (const json& f : runs["results"][0]["failures"]) {
    CHECK(contains(cases[0]["text"], "token:  " + f["token"].get<std::string>()));
    CHECK(contains(cases[0]["text"], f["replay"].get<std::string>()));
  }
  CHECK(cases[0]["properties"]["executions"] == std::to_string(runs["results"][0]["executions"].get<std::uint64_t>()));
  CHECK(cases[1]["result"] == "pass");
  CHECK(cases[1]["properties"]["interrupted"] == "false");
  // The awkward file: its name and its message come back as written (bytes that are not UTF-8,
  // and the control character, as U+FFFD).
  CHECK(cases[2]["name"] == awkward.string());
  CHECK(cases[2]["result"] == "failure");
  CHECK(contains(cases[2]["text"], "lost <update> & 'more' \xEF\xBF\xBD\xEF\xBF\xBD ]]> end"));
  CHECK(contains(cases[2]["text"], "token:  " + runs["results"][2]["failures"][0]["token"].get<std::string>()));
  CHECK(cases[3]["result"] == "error");
  CHECK(cases[3]["type"] == "bad-input");
  CHECK(contains(cases[3]["message"], "unknown variable 'balanse'"));
  fs::remove(xml);
  fs::remove_all(awkward.parent_path());
}

TEST_CASE("check --junit: a file not as expected is a failure with the unexpected findings; expected ones are passes") {
  const fs::path awkward = awkward_scenario();
  const fs::path xml = scratch("check.xml");
  const Result r = interleave("check scenarios/bank_race.scn " + quoted(awkward) + " --no-timing --iterations 200 --junit " + quoted(xml));
  INFO(r.out, r.err);
  CHECK(r.status == 1);
  const json j = read_junit(xml);
  CHECK(j["attrib"]["tests"] == "2");
  CHECK(j["attrib"]["failures"] == "1");
  CHECK(j["attrib"]["errors"] == "0");
  const json& cases = j["suites"][0]["cases"];
  CHECK(cases[0]["result"] == "pass");
  CHECK(contains(cases[0]["out"], "replay: interleave replay scenarios/bank_race.scn v2."));
  CHECK(cases[1]["result"] == "failure");
  CHECK(cases[1]["type"] == "mismatch");
  CHECK(cases[1]["message"].get<std::string>().rfind("expected ok, got assertion, race; unexpected ", 0) == 0);
  CHECK(contains(cases[1]["text"], "token:  v2."));
  fs::remove(xml);
  fs::remove_all(awkward.parent_path());
}

TEST_CASE("--junit with a bad value, or a file it cannot write, is exit 2 with a message") {
  CHECK(interleave("run scenarios/bank_race.scn --junit").status == 2);
  const Result empty = interleave("run scenarios/bank_race.scn --junit ''");
  CHECK(empty.status == 2);
  CHECK(contains(empty.err, "--junit"));
  const Result nowhere = interleave("check scenarios/bank_locked.scn --junit /no/such/dir/report.xml");
  CHECK(nowhere.status == 2);
  CHECK(contains(nowhere.err, "cannot write /no/such/dir/report.xml"));
}

TEST_CASE("--quiet keeps each finding's replay command, and the token in it replays the finding") {
  const Result json_run = interleave("run scenarios/bank_race.scn --keep-going --json --no-timing");
  const Result quiet = interleave("run scenarios/bank_race.scn --keep-going --quiet --no-timing");
  CHECK(quiet.status == 1);
  CHECK(!contains(quiet.out, "History"));
  const json j = json::parse(json_run.out);
  REQUIRE(!j["results"][0]["failures"].empty());
  for (const json& f : j["results"][0]["failures"]) {
    const std::string line = "  " + f["kind"].get<std::string>() + " at scenarios/bank_race.scn:" + std::to_string(f["where"]["line"].get<int>()) +
                             " — replay: " + f["replay"].get<std::string>() + "\n";
    CHECK_MESSAGE(contains(quiet.out, line), quiet.out);
  }
  const std::string replay = j["results"][0]["failures"][0]["replay"].get<std::string>();
  CHECK(interleave(replay.substr(std::string("interleave ").size()) + " --quiet").status == 1);
  CHECK(interleave("run scenarios/bank_locked.scn --quiet --no-timing").out == "scenarios/bank_locked.scn: no failure in 1000 executions [portfolio (pct depth 1..3, random, pos) seed=1] (as expected)\n");
}

TEST_CASE("a time limit that ends a search with nothing found exits 4, and JUnit calls it an error") {
  const fs::path calm = calm_scenario("calm_limit.scn");
  const fs::path xml = scratch("limit.xml");
  const Result run = interleave("run " + quoted(calm) + " --iterations 1000000000 --time-limit 0.5 --quiet --junit " + quoted(xml));
  CHECK(run.status == 4);
  CHECK(contains(run.out, "time limit reached"));
  const json j = read_junit(xml);
  const json& c = j["suites"][0]["cases"][0];
  CHECK(c["result"] == "error");
  CHECK(c["type"] == "time-limit");
  CHECK(contains(c["message"], "the time limit ran out after "));
  CHECK(c["properties"]["time_limit_reached"] == "true");
  const Result check = interleave("check " + quoted(calm) + " --iterations 1000000000 --time-limit 0.5 --quiet");
  CHECK(check.status == 4);
  CHECK(contains(check.out, "1 cut short by the time limit"));
  // A finding says more than the time limit: exit 1.
  CHECK(interleave("run scenarios/bank_race.scn --iterations 1000000000 --keep-going --time-limit 0.5 --quiet").status == 1);
  fs::remove(xml);
  fs::remove(calm);
}
