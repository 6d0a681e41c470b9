// SIGTERM, SIGHUP and SIGINT during `run` and `check` (what a CI time-out, a closed session and
// Ctrl-C send): the search ends, not the command; the report so far is complete JSON that says
// which signal, the --output and --junit files are written, and the exit status is 128 + the signal;
// shards stopped by a signal merge into an interrupted report.
#include <doctest/doctest.h>
#include <signal.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cli_process.hpp"
#include "junit_reader.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

using cli_test::scratch;
using cli_test::slurp;

// The command, sent `signal` a second after it starts handling it.
cli_test::Signalled stop_with(int signal, const std::vector<std::string>& args) {
  return cli_test::signal_during(signal, args, std::chrono::milliseconds(1000));
}

// A search that never ends by itself and finds nothing: only the signal can end it.
fs::path calm_scenario() {
  const fs::path file = scratch("calm.scn");
  std::ofstream(file) << "shared x = 0\nmutex m\nthread t[6]:\n    repeat 200:\n        lock m:\n            x = x + 1\n";
  return file;
}

struct Named {
  int signal;
  const char* name;
};
const Named stop_signals[] = {{SIGTERM, "SIGTERM"}, {SIGHUP, "SIGHUP"}, {SIGINT, "SIGINT"}};

}  // namespace

TEST_CASE("each stop signal during run --json -o --junit: exit 128 + the signal, complete JSON saying so, both files written") {
  const fs::path calm = calm_scenario();
  for (const Named& sig : stop_signals) {
    CAPTURE(sig.name);
    const fs::path report = scratch("report.json"), xml = scratch("report.xml");
    const cli_test::Signalled s = stop_with(sig.signal, {"run", calm.string(), calm.string(), "--json", "--iterations", "1000000000", "--no-timing",
                                             "-o", report.string(), "--junit", xml.string()});
    INFO("stdout: ", s.out, "\nstderr: ", s.err);
    CHECK(s.exited);
    CHECK(s.status == 128 + sig.signal);
    CHECK(s.out.empty());
    REQUIRE(fs::exists(report));
    const json j = json::parse(slurp(report));  // complete JSON, or the parse throws
    CHECK(j["interrupted"] == true);
    CHECK(j["signal"] == sig.name);
    CHECK(j["not_run"] == json::array({calm.string()}));
    REQUIRE(j["results"].size() == 1);
    CHECK(j["results"][0]["interrupted"] == true);
    CHECK(j["results"][0]["complete"] == false);
    CHECK(j["results"][0]["executions"].get<std::uint64_t>() > 0);
    REQUIRE(fs::exists(xml));
    const std::string junit = slurp(xml);
    CHECK(junit.find("<testsuites name=\"interleave run\" tests=\"2\" failures=\"0\" errors=\"2\">") != std::string::npos);
    CHECK(junit.find("type=\"interrupted\"") != std::string::npos);
    CHECK(junit.find(std::string("interrupted by ") + sig.name + " after ") != std::string::npos);
    CHECK(junit.rfind("</testsuites>\n") == junit.size() - 14);
    fs::remove(report);
    fs::remove(xml);
  }
  fs::remove(calm);
}

TEST_CASE("SIGTERM during check --json: the results so far as complete JSON, exit 143") {
  const fs::path calm = calm_scenario();
  const cli_test::Signalled s = stop_with(SIGTERM, {"check", calm.string(), calm.string(), "--json", "--iterations", "1000000000", "--no-timing"});
  INFO("stdout: ", s.out, "\nstderr: ", s.err);
  CHECK(s.status == 143);
  const json j = json::parse(s.out);
  CHECK(j["interrupted"] == true);
  CHECK(j["signal"] == "SIGTERM");
  CHECK(j["not_run"].size() == 1);
  REQUIRE(j["results"].size() == 1);
  CHECK(j["results"][0]["interrupted"] == true);
  fs::remove(calm);
}

TEST_CASE("a finding before SIGTERM says more than the signal: exit 1, the failure and its token in the report") {
  const fs::path file = scratch("race.scn");
  std::ofstream(file) << "shared counter = 0\nmutex m\nthread worker[12]:\n    repeat 40:\n        counter = counter + 1\n"
                         "        lock m:\n            counter = counter + 1\n";
  const cli_test::Signalled s = stop_with(SIGTERM, {"run", file.string(), "--json", "--keep-going", "--iterations", "1000000000", "--no-timing"});
  INFO("stdout: ", s.out, "\nstderr: ", s.err);
  CHECK(s.status == 1);
  const json j = json::parse(s.out);
  CHECK(j["signal"] == "SIGTERM");
  REQUIRE(!j["results"][0]["failures"].empty());
  CHECK(j["results"][0]["failures"][0]["token"].get<std::string>().rfind("v2.", 0) == 0);
  fs::remove(file);
}

TEST_CASE("shards that SIGTERM stopped merge into an interrupted search: exit 143, JUnit errors naming the signal, never a pass") {
  const fs::path calm = calm_scenario(), other = scratch("calm2.scn");
  fs::copy_file(calm, other, fs::copy_options::overwrite_existing);
  std::vector<std::string> reports;
  for (const char* k : {"0", "1"}) {
    reports.push_back(scratch(std::string("shard-") + k + ".json").string());
    const cli_test::Signalled s = stop_with(SIGTERM, {"run", calm.string(), other.string(), "--iterations", "1000000000", "--no-timing", "--json",
                                                      "--shard", std::string(k) + "/2", "-o", reports.back()});
    CHECK(s.status == 143);
  }
  const fs::path xml = scratch("merged.xml");
  const cli_test::Result merged = cli_test::run_in(".", "merge " + cli_test::quoted(reports[0]) + " " + cli_test::quoted(reports[1]) +
                                                            " --json --no-timing --junit " + cli_test::quoted(xml.string()));
  INFO("stdout: ", merged.out, "\nstderr: ", merged.err);
  CHECK(merged.status == 143);
  const json j = json::parse(merged.out);
  CHECK(j["signal"] == "SIGTERM");
  CHECK(j["not_run"] == json::array({other.string()}));
  const json junit = cli_test::read_junit(xml);
  CHECK(junit["attrib"]["errors"] == "2");
  CHECK(junit["attrib"]["failures"] == "0");
  const json& cases = junit["suites"][0]["cases"];
  REQUIRE(cases.size() == 2);
  CHECK(cases[0]["name"] == calm.string());
  CHECK(cases[0]["type"] == "interrupted");
  CHECK(contains(cases[0]["message"], "interrupted by SIGTERM after " + std::to_string(j["results"][0]["executions"].get<std::uint64_t>()) + " executions"));
  CHECK(cases[0]["properties"]["interrupted"] == "true");
  CHECK(cases[1]["name"] == other.string());
  CHECK(cases[1]["type"] == "not-run");
  for (const fs::path& f : {calm, other, xml}) fs::remove(f);
  for (const std::string& f : reports) fs::remove(f);
}
