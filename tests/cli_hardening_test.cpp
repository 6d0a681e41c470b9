// The command under stress: Ctrl-C or a time budget ending during `run`/`check` still prints the
// report so far (every failure with its token; --json stays complete JSON), --output files are
// whole or absent, and each interpreter limit has a flag its error names.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli_process.hpp"

namespace {

namespace fs = std::filesystem;

using cli_test::scratch;
using cli_test::slurp;

// A scenario with many long threads: a search of it never ends by itself, and its races and
// lost updates turn up early.
fs::path large_scenario() {
  const fs::path path = fs::temp_directory_path() / ("interleave_interrupt_" + std::to_string(::getpid()) + ".scn");
  std::ofstream(path) << "expect race, assertion\n\nshared counter = 0\nmutex m\n\n"
                         "thread worker[12]:\n    repeat 40:\n        counter = counter + 1\n        lock m:\n            counter = counter + 1\n\n"
                         "finally:\n    assert counter == 960, \"an increment was lost\"\n";
  return path;
}

using Spawned = cli_test::Signalled;

// Runs the command with `args`, sends SIGINT once it handles it and has run a while, and waits.
Spawned interrupt(const std::vector<std::string>& args) { return cli_test::signal_during(SIGINT, args, std::chrono::milliseconds(1500)); }

// Replays `token` and returns the replay's exit status (1: the failure shows again).
int replay(const fs::path& file, const std::string& token) {
  const std::string command = std::string("'") + INTERLEAVE_BIN + "' replay '" + file.string() + "' '" + token + "' --quiet >/dev/null 2>&1";
  const int raw = std::system(command.c_str());
  return WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
}

// Runs the command with `args` (a shell word list) and returns its exit status and its stdout and stderr together.
std::pair<int, std::string> command(const std::string& args) {
  const fs::path out = scratch("command.out");
  const int raw = std::system((std::string("'") + INTERLEAVE_BIN + "' " + args + " >'" + out.string() + "' 2>&1").c_str());
  std::string text = slurp(out);
  fs::remove(out);
  return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, text};
}

// The replay command a story printed ("interleave replay ..."), or a failed check.
std::string replay_line(const std::string& text) {
  const std::size_t at = text.find("replay: interleave replay");
  REQUIRE(at != std::string::npos);
  return text.substr(at + 8, text.find('\n', at) - at - 8);
}

}  // namespace

TEST_CASE("SIGINT during run --json --time-limit 60s gives complete JSON with every failure found and its token") {
  const fs::path file = large_scenario();
  const Spawned s = interrupt({"run", file.string(), "--json", "--keep-going", "--strategy", "random", "--iterations", "1000000000",
                               "--time-limit", "60", "--no-timing"});
  INFO("stdout: ", s.out, "\nstderr: ", s.err);
  CHECK(s.status == 1);  // failures were found
  const nlohmann::json j = nlohmann::json::parse(s.out);  // throws (fails the test) unless complete JSON
  CHECK(j["interrupted"] == true);
  REQUIRE(j["results"].size() == 1);
  const nlohmann::json& r = j["results"][0];
  CHECK(r["interrupted"] == true);
  CHECK(r["complete"] == false);
  CHECK(r["executions"].get<std::uint64_t>() > 0);
  REQUIRE(r["failures"].size() >= 1);
  for (const nlohmann::json& f : r["failures"]) {
    CHECK(f["token"].get<std::string>().rfind("v2.", 0) == 0);
    if (f["kind"] == "AssertionFailed") CHECK(replay(file, f["token"].get<std::string>()) == 1);
  }
  fs::remove(file);
}

TEST_CASE("SIGINT during run prints the summary and every story found so far, then the files not run") {
  const fs::path file = large_scenario();
  const Spawned s = interrupt({"run", file.string(), file.string(), "--keep-going", "--iterations", "1000000000", "--time-limit", "60", "--color", "never"});
  INFO("stdout: ", s.out, "\nstderr: ", s.err);
  CHECK(s.status == 1);
  CHECK(s.out.find("interrupted") != std::string::npos);
  CHECK(s.out.find("replay: interleave replay") != std::string::npos);
  CHECK(s.out.find("1 file not run") != std::string::npos);
  fs::remove(file);
}

TEST_CASE("SIGINT during check prints the table so far, says it was interrupted, and exits 130") {
  const fs::path file = large_scenario();
  const fs::path calm = scratch("calm.scn");  // as expected, so only the interruption can make the exit status non-zero
  std::ofstream(calm) << "shared x = 0\nmutex m\nthread t[6]:\n    repeat 200:\n        lock m:\n            x = x + 1\n";
  const Spawned s = interrupt({"check", calm.string(), file.string(), "--iterations", "1000000000", "--time-limit", "60", "--color", "never"});
  INFO("stdout: ", s.out, "\nstderr: ", s.err);
  CHECK(s.out.find("(interrupted)") != std::string::npos);
  CHECK(s.out.find("interrupted, 1 not run") != std::string::npos);
  CHECK(s.status == 130);  // it exited 0, as if everything had been checked
  fs::remove(file);
  fs::remove(calm);
}

TEST_CASE("SIGINT during real prints the report of the runs made so far (it was lost)") {
  const fs::path file = scratch("real_race.scn");
  std::ofstream(file) << "shared balance = 100\nthread spender[2]:\n    if balance >= 80:\n        balance = balance - 80\n";
  const Spawned s = interrupt({"real", file.string(), "--runs", "1000000000", "--json", "--no-simulation"});
  INFO("stdout: ", s.out, "\nstderr: ", s.err);
  const nlohmann::json j = nlohmann::json::parse(s.out);  // complete JSON: the report was printed
  CHECK(j["interrupted"] == true);
  CHECK(j["runs"].get<std::uint64_t>() > 0);
  CHECK(j["runs"].get<std::uint64_t>() < 1000000000);
  CHECK((s.status == 130 || s.status == 1));
  fs::remove(file);
}

TEST_CASE("SIGINT during run --output writes the whole report to the file through a temporary name") {
  const fs::path file = large_scenario();
  const fs::path dir = fs::temp_directory_path() / ("interleave_output_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path report = dir / "report.json";
  std::ofstream(report) << "an older report";
  const Spawned s = interrupt({"run", file.string(), "--json", "--keep-going", "--iterations", "1000000000", "--time-limit", "60", "-o", report.string()});
  INFO("stdout: ", s.out, "\nstderr: ", s.err);
  CHECK(s.out.empty());
  const nlohmann::json j = nlohmann::json::parse(slurp(report));
  CHECK(j["interrupted"] == true);
  CHECK(j["results"][0]["failures"].size() >= 1);
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir)) ++files;
  CHECK(files == 1);  // no temporary left behind
  fs::remove_all(dir);
  fs::remove(file);
}

TEST_CASE("a time budget ending gives the same complete report and JSON") {
  const fs::path file = large_scenario();
  const std::string command = std::string("'") + INTERLEAVE_BIN + "' run '" + file.string() +
                              "' --json --keep-going --strategy random --iterations 1000000000 --time-limit 1 --no-timing";
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) out.append(buf, n);
  const int raw = ::pclose(pipe);
  CHECK(WEXITSTATUS(raw) == 1);
  const nlohmann::json j = nlohmann::json::parse(out);
  CHECK(j["interrupted"] == false);
  CHECK(j["results"][0]["complete"] == false);
  CHECK(j["results"][0]["failures"].size() >= 1);
  fs::remove(file);
}

TEST_CASE("--max-call-depth and --max-loop-work are named by their errors and carried into the replay command") {
  const fs::path file = scratch("limits.scn");
  std::ofstream(file) << "shared n = 0\ndef down(k):\n    return down(k + 1)\nthread diver:\n    n = down(0)\n";
  const auto [status, text] = command("run '" + file.string() + "' --strategy random --max-call-depth 50 --color never");
  INFO(text);
  CHECK(status == 1);
  CHECK(text.find("more than 50 nested calls (calling 'down'; the limit is --max-call-depth)") != std::string::npos);
  CHECK(text.find("diver") != std::string::npos);
  const std::string replay = replay_line(text);
  CHECK(replay.find(" --max-call-depth 50") != std::string::npos);
  const auto [replay_status, replay_text] = command(replay.substr(11) + " --color never");
  CHECK(replay_status == 1);
  CHECK(replay_text.find("more than 50 nested calls") != std::string::npos);

  std::ofstream(file) << "shared x = 0\nthread spin:\n    while true:\n        pass\n";
  const auto [loop_status, loop_text] = command("run '" + file.string() + "' --strategy random --max-loop-work 1000 --color never");
  CHECK(loop_status == 1);
  CHECK(loop_text.find("more than 1000 loop iterations and calls in one execution") != std::string::npos);
  CHECK(loop_text.find("--max-loop-work") != std::string::npos);
  fs::remove(file);
}

TEST_CASE("--max-tasks, --max-nesting, --max-file-size and --history-steps are named by their errors; those that change loading go into the replay command") {
  const fs::path file = scratch("load_limits.scn");
  std::ofstream(file) << "shared n = 0\nthread w[3]:\n    repeat 30:\n        if true:\n            n = n + 1\n"
                         "finally:\n    assert n == 90, \"an update was lost\"\n";
  const std::string run = "run '" + file.string() + "' --strategy random --color never";
  const auto [tasks_status, tasks_text] = command(run + " --max-tasks 2");
  CHECK(tasks_status == 2);
  CHECK(tasks_text.find(file.string() + ":2:10: error: a thread array's size must be a number from 1 to 2 (the limit is --max-tasks)") !=
        std::string::npos);
  const auto [nesting_status, nesting_text] = command(run + " --max-nesting 2");
  CHECK(nesting_status == 2);
  CHECK(nesting_text.find("error: blocks nested too deeply (more than 2 levels; the limit is --max-nesting)") != std::string::npos);
  const auto [size_status, size_text] = command(run + " --max-file-size 64");
  CHECK(size_status == 2);
  CHECK(size_text.find("error: too big for a scenario file (" + std::to_string(fs::file_size(file)) +
                       " bytes, more than 64 bytes; the limit is --max-file-size)") != std::string::npos);

  const auto [status, text] = command(run + " --max-tasks 3 --max-nesting 3 --max-file-size 1KiB --history-steps 5");
  INFO(text);
  CHECK(status == 1);
  CHECK(text.find("earlier steps not kept (the limit is ExecutionLimits::history_steps, --history-steps in interleave)") != std::string::npos);
  const std::string replay = replay_line(text);
  CHECK(replay.find(" --max-tasks 3 --max-nesting 3 --max-file-size 1024") != std::string::npos);
  CHECK(replay.find("--history-steps") == std::string::npos);  // it changes what a story shows, not what runs
  const auto [replay_status, replay_text] = command(replay.substr(11) + " --color never");
  CHECK(replay_status == 1);
  CHECK(replay_text.find("an update was lost") != std::string::npos);
  fs::remove(file);
}
