// Searches past one machine (issue 20): `run --shard K/N` on every strategy, the shards run side
// by side with GNU parallel as a CI matrix or a job array would run them, and `interleave merge`
// giving the report one run of the whole search gives; shard reports that are not one search's
// are refused with exit status 2; `merge --junit` writing the JUnit report the whole run writes.
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cli_process.hpp"
#include "junit_reader.hpp"
#include "text_support.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

using cli_test::scratch;
using cli_test::slurp;

struct Result {
  int status = -1;
  std::string out;
  std::string err;
};

// Runs a shell command line from the source directory; "interleave" in it is the command built.
Result shell(const std::string& line) {
  const fs::path out = scratch("cmd.out"), err = scratch("cmd.err");
  const std::string command = "cd '" INTERLEAVE_SOURCE_DIR "' && I='" INTERLEAVE_BIN "' && " + line + " >'" + out.string() + "' 2>'" + err.string() + "'";
  const int raw = std::system(command.c_str());
  Result r{WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, slurp(out), slurp(err)};
  fs::remove(out);
  fs::remove(err);
  return r;
}

// Scenarios with every kind of ending: races, assertions, deadlocks, misuse, and none.
const char* const files =
    "scenarios/bank_race.scn scenarios/lost_update.scn scenarios/bank_locked.scn scenarios/deadlock_two_locks.scn "
    "scenarios/missed_notification.scn scenarios/producer_consumer.scn scenarios/promise_set_twice.scn "
    "scenarios/semaphore_pool.scn scenarios/dining_philosophers_ordered.scn scenarios/channel_pipeline.scn";

// A merged report without the one thing shards may tell differently: a note naming a lock-order
// cycle, which starts at whichever lock the shard's graph closed the cycle on.
json without_cycle_notes(json j) {
  for (json& r : j["results"]) {
    for (json& f : r["failures"]) f.erase("notes");
  }
  return j;
}

// The shards of `search` (flags), run with GNU parallel into a scratch directory, merged.
Result sharded(const std::string& search, int shards, const fs::path& dir) {
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string indices = [&] {
    std::string s;
    for (int k = 0; k < shards; ++k) s += " " + std::to_string(k);
    return s;
  }();
  const Result ran = shell("parallel --halt never \"$I\" run " + std::string(files) + " " + search + " --json --no-timing --shard {}/" +
                           std::to_string(shards) + " -o '" + dir.string() + "/shard-{}.json' ::: " + indices + "; test -s '" +
                           dir.string() + "/shard-0.json'");
  REQUIRE_MESSAGE(ran.status == 0, "the shards did not run: " << ran.err);
  return shell("\"$I\" merge '" + dir.string() + "'/shard-*.json --json --no-timing");
}

}  // namespace

TEST_CASE("GNU parallel is there to run the shards (scripts/setup installs it)") {
  CHECK(shell("parallel --version").status == 0);
}

TEST_CASE("shards run with GNU parallel and merged give one run's report, for every strategy") {
  const std::vector<std::string> searches = {"--strategy random", "--strategy pct --depth 2 --seed 5", "--strategy portfolio",
                                             "--strategy dfs --iterations 400", "--strategy dpor --iterations 400",
                                             "--strategy random --iterations 300 --keep-going", "--strategy dpor --keep-going --iterations 2000"};
  const fs::path dir = scratch("shards");
  for (const std::string& search : searches) {
    const Result whole = shell("\"$I\" run " + std::string(files) + " " + search + " --json --no-timing");
    for (int shards : {2, 3}) {
      CAPTURE(search);
      CAPTURE(shards);
      const Result merged = sharded(search, shards, dir);
      INFO(merged.err);
      CHECK(merged.status == whole.status);
      const json a = json::parse(whole.out), b = json::parse(merged.out);
      CHECK(without_cycle_notes(a) == without_cycle_notes(b));
      std::uint64_t findings = 0;
      for (const json& r : b["results"]) findings += r["failures"].size();
      CHECK(findings > 0);
    }
  }
  fs::remove_all(dir);
}

TEST_CASE("merged byte for byte: tokens, executions and the cut at the first failure, whatever the jobs of each shard") {
  const std::string search = "scenarios/lost_update.scn scenarios/bank_race.scn scenarios/bank_locked.scn --iterations 500 --json --no-timing";
  const Result whole = shell("\"$I\" run " + search);
  const fs::path dir = scratch("bytes");
  fs::create_directories(dir);
  for (const char* k : {"0", "1", "2", "3"}) {
    CHECK(shell("\"$I\" run " + search + " --jobs 2 --shard " + k + "/4 -o '" + dir.string() + "/s" + k + ".json'").status == 1);
  }
  const Result merged = shell("\"$I\" merge '" + dir.string() + "'/s3.json '" + dir.string() + "'/s1.json '" + dir.string() + "'/s0.json '" +
                              dir.string() + "'/s2.json --json --no-timing");
  CHECK(merged.status == 1);
  CHECK(merged.out == whole.out);
  const json j = json::parse(merged.out);
  CHECK(j["results"][2]["executions"] == 500);  // bank_locked: the whole budget, no finding
  CHECK(j["results"][2]["strategy"] == "portfolio (pct depth 1..3, random, pos) seed=1");
  const json shard = json::parse(slurp(dir / "s1.json"));
  CHECK(shard["results"][2]["strategy"] == "portfolio (pct depth 1..3, random, pos) seed=1 shard=1/4");
  CHECK(shard["results"][2]["shard"]["count"] == 4);

  const Result text = shell("\"$I\" merge '" + dir.string() + "'/s*.json --no-timing");
  CHECK(text.status == 1);
  CHECK(contains(text.out, "scenarios/lost_update.scn: assertion"));
  CHECK(contains(text.out, "scenarios/bank_locked.scn: no failure in 500 executions [portfolio (pct depth 1..3, random, pos) seed=1] (as expected)"));
  CHECK(contains(text.out, "— replay: interleave replay scenarios/bank_race.scn v2."));
  fs::remove_all(dir);
}

TEST_CASE("shard reports that are not one search's: exit status 2 and what is wrong") {
  const fs::path dir = scratch("bad");
  fs::create_directories(dir);
  const std::string d = "'" + dir.string() + "'";
  const std::string run = "\"$I\" run scenarios/bank_race.scn --iterations 50 --json -o " + d;
  REQUIRE(shell(run + "/a0.json --shard 0/2; " + run + "/a1.json --shard 1/2; " + run + "/b1.json --shard 1/2 --seed 9; " + run +
                "/c0.json --shard 0/3; \"$I\" run scenarios/bank_race.scn --json -o " + d + "/whole.json; true")
              .status == 0);
  std::ofstream(dir / "broken.json") << "{\"version\": 2,\n  \"results\": [ }\n";
  struct Bad {
    std::string args, message;
  };
  const std::vector<Bad> cases = {
      {"a0.json", "missing 1"},
      {"a0.json a0.json", "shard 0/2 again"},
      {"a0.json c0.json", "is a shard of 2"},
      {"a0.json b1.json", "not one search"},
      {"whole.json", "no member \"shard\""},
      {"broken.json", "broken.json:2:16: not JSON"},
  };
  for (const Bad& c : cases) {
    std::string files;
    for (std::size_t at = 0, end; at < c.args.size(); at = end + 1) {
      end = c.args.find(' ', at);
      if (end == std::string::npos) end = c.args.size();
      files += " " + d + "/" + c.args.substr(at, end - at);
    }
    const Result r = shell("\"$I\" merge" + files);
    CAPTURE(c.args);
    CHECK(r.status == 2);
    CHECK(contains(r.err, c.message));
    CHECK(r.out.empty());
  }
  CHECK(shell("\"$I\" merge " + d + "/a0.json " + d + "/a1.json").status == 1);
  const Result bad_shard = shell("\"$I\" run scenarios/bank_race.scn --shard 2/2");
  CHECK(bad_shard.status == 2);
  CHECK(contains(bad_shard.err, "'2/2' is not a shard: expected K/N"));
  CHECK(shell("\"$I\" run scenarios/bank_race.scn --shard 1/0").status == 2);
  CHECK(shell("\"$I\" run scenarios/bank_race.scn --shard x").status == 2);
  CHECK(contains(shell("\"$I\" run scenarios/bank_race.scn --shard 0/2 --outputs").err, "excludes"));
  fs::remove_all(dir);
}

TEST_CASE("merge --junit: valid JUnit XML with run --junit's cases for the whole search; each finding's token and replay command") {
  const fs::path dir = scratch("junit");
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path odd = dir / "a<b&\"c'.scn";  // a name XML must escape
  std::ofstream(odd) << "shared n = 0\nthread w[2]:\n    n = n + 1\nfinally:\n    assert n == 2, \"lost <update> & more\"\n";
  const std::string d = cli_test::quoted(dir.string());
  const std::string search = "scenarios/lost_update.scn scenarios/bank_race.scn scenarios/bank_locked.scn " + cli_test::quoted(odd.string()) +
                             " --iterations 500 --keep-going --json --no-timing";
  const Result whole = shell("\"$I\" run " + search + " --junit " + d + "/whole.xml");
  for (const char* k : {"0", "1", "2"}) CHECK(shell("\"$I\" run " + search + " --shard " + k + "/3 -o " + d + "/s" + k + ".json").status == 1);
  const Result merged = shell("\"$I\" merge " + d + "/s*.json --json --no-timing --junit " + d + "/merged.xml");
  INFO(merged.err);
  CHECK(merged.status == whole.status);
  const json a = cli_test::read_junit(dir / "whole.xml"), b = cli_test::read_junit(dir / "merged.xml");
  CHECK(b["root"] == "testsuites");
  CHECK(b["attrib"] == a["attrib"]);
  CHECK(b["attrib"]["tests"] == "4");
  CHECK(b["attrib"]["failures"] == "3");
  REQUIRE(b["suites"].size() == 1);
  CHECK(b["suites"][0]["attrib"] == a["suites"][0]["attrib"]);
  const json& cases = b["suites"][0]["cases"];
  REQUIRE(cases.size() == a["suites"][0]["cases"].size());
  const json report = json::parse(merged.out);
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const json& mine = cases[i];
    const json& run = a["suites"][0]["cases"][i];
    CAPTURE(run["name"]);
    // All but the text: the run's stories are not in the shards' JSON.
    for (const char* key : {"name", "classname", "result", "type", "message", "properties", "out"}) CHECK(mine[key] == run[key]);
    for (const json& f : report["results"][i]["failures"]) {
      CHECK(contains(mine["text"], "token:  " + f["token"].get<std::string>()));
      CHECK(contains(mine["text"], "replay: " + f["replay"].get<std::string>()));
    }
  }
  CHECK(cases[0]["result"] == "failure");
  CHECK(cases[2]["result"] == "pass");
  CHECK(cases[3]["name"] == odd.string());
  CHECK(contains(cases[3]["text"], "lost <update> & more"));  // the assertion, after the race that causes it

  const Result nowhere = shell("\"$I\" merge " + d + "/s*.json --junit /no/such/dir/report.xml");
  CHECK(nowhere.status == 2);
  CHECK(contains(nowhere.err, "--junit: cannot write /no/such/dir/report.xml"));
  CHECK(shell("\"$I\" merge " + d + "/s0.json --junit ''").status == 2);
  fs::remove_all(dir);
}
