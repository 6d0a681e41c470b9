// The command's time limit and budget: a run they end says so (text and JSON, "time_limit_reached"), so two
// identical commands differ only where they say so; and it ends inside a long execution.
// tests/repro/time_limit_nondet.scn is issue 23's: before, two runs printed 18 and 20 executions
// with "interrupted": false in both, and the limit was overrun by seconds.
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include "text_support.hpp"

namespace {

struct Result {
  int status = -1;
  std::string out;
};

// Runs `interleave ARGS` from the source directory; stdout only.
Result interleave(const std::string& args) {
  const std::string out = (std::filesystem::temp_directory_path() / ("interleave_cli_budget_" + std::to_string(::getpid()) + ".out")).string();
  const std::string command = "cd '" INTERLEAVE_SOURCE_DIR "' && '" INTERLEAVE_BIN "' " + args + " >'" + out + "' 2>/dev/null";
  const int raw = std::system(command.c_str());
  std::ifstream in(out, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  std::filesystem::remove(out);
  return Result{WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, text.str()};
}

const std::string nondet = "run tests/repro/time_limit_nondet.scn --iterations 20 --no-timing --seed 140 --keep-going";

}  // namespace

TEST_CASE("a run its time limit ends says so in its JSON, and in its summary line") {
  // An execution of this scenario loops over a local ten million times (seconds of work): the
  // limit ends the run inside one, before 20 executions.
  const Result json = interleave(nondet + " --json --time-limit 0.5");
  const nlohmann::json j = nlohmann::json::parse(json.out);
  const nlohmann::json& r = j["results"][0];
  // How many executions end (each at the loop limit, a finding) before the limit depends on the
  // machine's speed, even none on a busy one: the exit status follows what the report holds (4:
  // the time limit ended a search that found nothing).
  CHECK(json.status == (r["failures"].empty() ? 4 : 1));
  CHECK(r["time_limit_reached"] == true);
  CHECK(r["interrupted"] == false);
  CHECK(r["complete"] == false);
  CHECK(r["executions"].get<std::uint64_t>() < 20);
  const Result text = interleave(nondet + " --time-limit 0.5 --quiet --color never");
  CHECK(contains(text.out, " — time limit reached"));
}

TEST_CASE("identical commands that the time limit does not end print the same bytes and do not say it") {
  // Twenty executions of a smaller scenario take well under the limit.
  const std::string run = "run scenarios/bank_race.scn --keep-going --iterations 20 --no-timing --json --time-limit 600";
  const Result a = interleave(run);
  const Result b = interleave(run);
  CHECK(a.out == b.out);
  CHECK(nlohmann::json::parse(a.out)["results"][0]["time_limit_reached"] == false);
}

TEST_CASE("an exhaustive search its budget ends says why it is not complete, under its line and in its JSON") {
  const std::string run = "run scenarios/peterson.scn --strategy dpor --iterations 10 --no-timing --color never";
  const Result text = interleave(run);
  CHECK(text.status == 0);
  CHECK(contains(text.out, "peterson.scn: no failure in 10 executions [dpor] (as expected)\n"
                           "  not complete: the budget of 10 executions ran out before the search's end\n"));
  const nlohmann::json r = nlohmann::json::parse(interleave(run + " --json").out)["results"][0];
  CHECK(r["complete"] == false);
  REQUIRE(r["incomplete"].size() == 1);
  CHECK(r["incomplete"][0]["reason"] == "budget");
  CHECK(r["incomplete"][0]["count"] == 10);
}

TEST_CASE("a complete search has no gap; a sampled one names sampling in JSON only") {
  const nlohmann::json done = nlohmann::json::parse(interleave("run scenarios/message_passing.scn --strategy dpor --no-timing --json").out);
  CHECK(done["results"][0]["complete"] == true);
  CHECK(done["results"][0]["incomplete"].empty());
  const std::string sampled = "run scenarios/peterson.scn --iterations 10 --no-timing --color never";
  CHECK_FALSE(contains(interleave(sampled).out, "not complete"));
  const nlohmann::json j = nlohmann::json::parse(interleave(sampled + " --json").out);
  REQUIRE(j["results"][0]["incomplete"].size() == 1);
  CHECK(j["results"][0]["incomplete"][0]["reason"] == "sampled");
}

TEST_CASE("executions cut at the step limit are a gap of an exhaustive search that goes on past them") {
  const Result text = interleave("run scenarios/peterson.scn --strategy dpor --max-steps 8 --keep-going --no-timing --color never --quiet");
  CHECK(text.status == 1);
  CHECK(contains(text.out, "peterson.scn: step-limit in 5 executions [dpor] (expected ok)\n"
                           "  not complete: executions were cut at the step limit (3 StepLimit findings): "
                           "what would have followed was not explored\n"));
}

TEST_CASE("a deterministic scenario is never said to depend on the clock: DPOR's own misses are named as such") {
  // The philosophers' deadlocks make some reversed races unrunnable as DPOR's model predicted
  // (a philosopher it meant to run is blocked): the search is not complete, and says so, but the
  // scenario is deterministic and no replay of it diverges.
  const nlohmann::json r = nlohmann::json::parse(
      interleave("run scenarios/dining_philosophers.scn --strategy dpor --keep-going --no-timing --json").out)["results"][0];
  CHECK(r["complete"] == false);
  bool mispredicted = false;
  for (const nlohmann::json& g : r["incomplete"]) {
    CHECK(g["reason"] != "divergence");
    mispredicted = mispredicted || g["reason"] == "mispredicted";
  }
  CHECK(mispredicted);
}

TEST_CASE("dpor's random order names itself, counts the subtrees it skipped, and prints the same for any --jobs") {
  const std::string run = "run scenarios/peterson.scn --strategy dpor --order random --seed 1 --no-timing --color never";
  const Result one = interleave(run);
  CHECK(one.status == 0);
  CHECK(contains(one.out, "[dpor order=random seed=1] (as expected)\n  not complete: the random order left "));
  CHECK(interleave(run + " --jobs 2").out == one.out);
  const nlohmann::json r = nlohmann::json::parse(interleave(run + " --json").out)["results"][0];
  CHECK(r["strategy"] == "dpor order=random seed=1");
  CHECK(r["complete"] == false);
  REQUIRE_FALSE(r["incomplete"].empty());
  CHECK(r["incomplete"].back()["reason"] == "skipped");
  CHECK(r["incomplete"].back()["count"].get<int>() > 0);
  // The order of a tree search: the sampling strategies have none, and there are two orders.
  CHECK(interleave("run scenarios/peterson.scn --order random").status == 2);
  CHECK(interleave("run scenarios/peterson.scn --strategy dpor --order sideways").status == 2);
}

TEST_CASE("states: the summary and the JSON give the states remembered; its store flags are checked") {
  const Result text = interleave("run scenarios/peterson.scn --strategy states --no-timing --color never");
  CHECK(text.status == 0);
  CHECK(contains(text.out, "peterson.scn: no failure in 2750 executions (2,749 states) [states] — search complete (as expected)\n"));
  const nlohmann::json r = nlohmann::json::parse(interleave("run scenarios/peterson.scn --strategy states --no-timing --json").out)["results"][0];
  CHECK(r["states"] == 2749);
  CHECK(r["complete"] == true);
  const nlohmann::json full =
      nlohmann::json::parse(interleave("run scenarios/peterson.scn --strategy states --max-states 50 --no-timing --json").out)["results"][0];
  CHECK(full["complete"] == false);
  CHECK(full["incomplete"][0]["reason"] == "state_store");
  CHECK(interleave("run scenarios/peterson.scn --strategy dpor --max-states 50").status == 2);
  CHECK(interleave("run scenarios/peterson.scn --strategy states --bitstate 5").status == 2);
}
