// Tests the built `interleave` binary: exit codes, help, stories with replay commands that
// reproduce their failure, check over scenarios/, JSON, colour, determinism, the malformed corpus.
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "sim/core/schedule.hpp"
#include "text_support.hpp"

#ifndef INTERLEAVE_SOURCE_DIR
#define INTERLEAVE_SOURCE_DIR "."
#endif
#ifndef INTERLEAVE_BIN
#define INTERLEAVE_BIN "interleave"
#endif

namespace {

const std::string source_dir = INTERLEAVE_SOURCE_DIR;

struct Result {
  int status = -1;
  std::string out;
  std::string err;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs `interleave ARGS` from the source directory (so paths in output are scenarios/...).
Result interleave(const std::string& args) {
  static int counter = 0;
  const std::string base = (std::filesystem::temp_directory_path() / ("interleave_cli_test_" + std::to_string(::getpid()) + "_" + std::to_string(++counter))).string();
  const std::string command = "cd '" + source_dir + "' && '" + INTERLEAVE_BIN + "' " + args + " >'" + base + ".out' 2>'" + base + ".err'";
  const int raw = std::system(command.c_str());
  Result r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  r.out = slurp(base + ".out");
  r.err = slurp(base + ".err");
  std::filesystem::remove(base + ".out");
  std::filesystem::remove(base + ".err");
  return r;
}

// The replay command printed after "replay: " for the first failure whose headline starts with `kind`.
std::string replay_line(const std::string& out, const std::string& kind) {
  const std::size_t story = out.find("\n" + kind + ":");
  if (story == std::string::npos) return "";
  const std::size_t at = out.find("replay: interleave ", story);
  if (at == std::string::npos) return "";
  const std::size_t start = at + std::string("replay: interleave ").size();
  return out.substr(start, out.find('\n', start) - start);
}

}  // namespace

TEST_CASE("help for the command and each subcommand, with examples") {
  const Result top = interleave("--help");
  CHECK(top.status == 0);
  for (const char* part : {"run", "replay", "check"}) CHECK(contains(top.out, part));
  for (const char* sub : {"run", "replay", "check"}) {
    const Result r = interleave(std::string(sub) + " --help");
    CAPTURE(sub);
    CHECK(r.status == 0);
    CHECK(contains(r.out, "Examples:"));
    CHECK(contains(r.out, "interleave " + std::string(sub)));
  }
}

TEST_CASE("usage errors exit 2") {
  CHECK(interleave("").status == 2);
  CHECK(interleave("frobnicate").status == 2);
  CHECK(interleave("run").status == 2);
  CHECK(interleave("run scenarios/bank_race.scn --iterations nope").status == 2);
  CHECK(interleave("run scenarios/bank_race.scn --strategy sideways").status == 2);
  const Result missing = interleave("run no/such/file.scn");
  CHECK(missing.status == 2);
  CHECK(contains(missing.err, "no/such/file.scn: error: no such file"));
  const Result token = interleave("replay scenarios/bank_race.scn v2.not-a-token");
  CHECK(token.status == 2);
  CHECK(contains(token.err, "bad replay token"));
}

TEST_CASE("run: bank_race.scn shows race and assertion; the printed command replays the overdraft") {
  const Result r = interleave("run scenarios/bank_race.scn --iterations 100 --no-timing");
  CHECK(r.status == 1);
  CHECK(contains(r.out, "AssertionFailed: overdraft"));
  CHECK(contains(r.out, "History ("));
  CHECK(contains(r.out, "By task:"));
  const std::string command = replay_line(r.out, "AssertionFailed");
  REQUIRE(!command.empty());
  CHECK(command.rfind("replay scenarios/bank_race.scn v2.", 0) == 0);
  const Result again = interleave(command);
  CHECK(again.status == 1);
  CHECK(contains(again.out, "AssertionFailed: overdraft"));
  CHECK(contains(again.out, "balance = -60"));
}

TEST_CASE("run: deadlock_two_locks.scn deadlocks, and the printed command replays the deadlock") {
  const Result r = interleave("run scenarios/deadlock_two_locks.scn --iterations 100 --no-timing");
  CHECK(r.status == 1);
  CHECK(contains(r.out, "Deadlock:"));
  CHECK(contains(r.out, "(as expected)"));
  const std::string command = replay_line(r.out, "Deadlock");
  REQUIRE(!command.empty());
  const Result again = interleave(command);
  CHECK(again.status == 1);
  CHECK(contains(again.out, "Deadlock:"));
}

TEST_CASE("run: no failure exits 0; output is the same byte for byte for the same seed") {
  const Result ok = interleave("run scenarios/bank_locked.scn --no-timing");
  CHECK(ok.status == 0);
  CHECK(contains(ok.out, "no failure in 1000 executions"));
  const std::string args = "run scenarios/bank_race.scn scenarios/lost_update.scn scenarios/numbers_and_letters.scn --seed 5 --keep-going --no-timing";
  const Result a = interleave(args);
  const Result b = interleave(args);
  CHECK(a.status == 1);
  CHECK(a.out == b.out);
  CHECK(!contains(a.out, "\x1b["));  // not a terminal: no colour
  CHECK(contains(interleave("run scenarios/bank_race.scn --color always").out, "\x1b["));
  CHECK(interleave("run scenarios/bank_race.scn --quiet --no-timing").out.find("History") == std::string::npos);
}

TEST_CASE("run --outputs: every different output, with how often it came") {
  const Result r = interleave("run scenarios/numbers_and_letters.scn --outputs --no-timing");
  CHECK(r.status == 0);
  // 3 numbers and 3 letters, each in order: 6 choose 3 = 20 interleavings.
  CHECK(contains(r.out, "Outputs: 20 different in 1000 executions that ended normally"));
  CHECK(contains(r.out, " ×  1 | 2 | 3 | a | b | c\n"));
  const Result json = interleave("run scenarios/numbers_and_letters.scn --outputs --json --no-timing");
  CHECK(contains(json.out, "\"outputs\":[{\"text\":"));
}

TEST_CASE("run --json: one result per file, each failure with its token and replay command") {
  const Result r = interleave("run scenarios/bank_race.scn scenarios/bank_locked.scn --json --no-timing");
  CHECK(r.status == 1);
  CHECK(r.out.rfind("{\"version\":2,\"results\":[{\"file\":\"scenarios/bank_race.scn\"", 0) == 0);
  CHECK(contains(r.out, "\"kind\":\"AssertionFailed\""));
  CHECK(contains(r.out, "\"replay\":\"interleave replay scenarios/bank_race.scn v2."));
  CHECK(contains(r.out, "{\"file\":\"scenarios/bank_locked.scn\",\"expected\":[\"ok\"],\"outcomes\":[\"ok\"],\"as_expected\":true"));
  CHECK(!contains(r.out, "seconds"));
}

TEST_CASE("run --json and real --json: a string with bytes that are not UTF-8 still makes JSON that parses") {
  // String literals may hold any byte; the JSON shows each bad one as U+FFFD.
  const std::string file = (std::filesystem::temp_directory_path() / ("interleave_cli_bad_utf8_" + std::to_string(::getpid()) + ".scn")).string();
  std::ofstream(file) << "thread a:\n    print \"bad \xff byte\"\n\nfinally:\n    assert false, \"bad \xfe message\"\n";
  const Result r = interleave("run '" + file + "' --json --no-timing");
  CHECK(r.status == 1);
  const nlohmann::json j = nlohmann::json::parse(r.out);
  const nlohmann::json& failure = j["results"][0]["failures"][0];
  CHECK(failure["message"] == "bad \xEF\xBF\xBD message");
  CHECK(failure["output"][0] == "bad \xEF\xBF\xBD byte");
  const std::string replay = failure["replay"].get<std::string>();
  REQUIRE(replay.rfind("interleave ", 0) == 0);
  const Result replayed = interleave(replay.substr(std::string("interleave ").size()));
  CHECK(replayed.status == 1);
  CHECK(contains(replayed.out, "AssertionFailed: bad \xfe message"));  // the text output keeps the bytes as written

  const Result real = interleave("real '" + file + "' --runs 3 --no-simulation --no-timing --json");
  CHECK(real.status == 1);
  const nlohmann::json k = nlohmann::json::parse(real.out);
  CHECK(k["outcomes"][1]["message"] == "bad \xEF\xBF\xBD message");
  CHECK(k["outcomes"][1]["runs"] == 3);
  std::filesystem::remove(file);
}

TEST_CASE("run --strategy dpor, and --jobs 2: the checkers watch them; the race is told and replays") {
  for (const char* flags : {"--strategy dpor", "--jobs 2", "--strategy pct --jobs 2", "--strategy pos --seed 3 --jobs 2"}) {
    CAPTURE(flags);
    const Result r = interleave(std::string("run scenarios/bank_race.scn --no-timing ") + flags);
    CHECK(r.status == 1);
    CHECK(contains(r.out, "DataRace: "));
    CHECK(contains(r.out, " of balance at scenarios/bank_race.scn:"));
    CHECK(contains(r.out, "(as expected)"));
    CHECK(!contains(r.err, "note"));  // nothing goes unreported any more
    const std::string command = replay_line(r.out, "DataRace");
    REQUIRE(!command.empty());
    CHECK(contains(interleave(command).out, "DataRace: "));
  }
  CHECK(contains(interleave("run scenarios/bank_race.scn --strategy dpor --json --no-timing").out, "\"kind\":\"DataRace\""));
  // The report, byte for byte, does not depend on the number of jobs.
  for (const char* strategy : {"dfs", "random", "pos"}) {
    const std::string run = std::string("run scenarios/bank_race.scn scenarios/deadlock_two_locks.scn --keep-going --no-timing --strategy ") + strategy;
    const Result one = interleave(run);
    CHECK(one.status == 1);
    CHECK(contains(one.out, "DataRace: "));
    CHECK(interleave(run + " --jobs 2").out == one.out);
  }
}

TEST_CASE("replay of a schedule without a failure exits 0 and shows what was printed") {
  // One thread: no choice to make, so the empty schedule is its whole story.
  const std::string path = (std::filesystem::temp_directory_path() / "interleave_cli_one_thread.scn").string();
  {
    std::ofstream out(path);
    out << "thread t:\n    print \"hello\"\n    print 1 + 2\n";
  }
  const Result r = interleave("replay '" + path + "' " + sim::Schedule{}.encode());
  CHECK(r.status == 0);
  CHECK(contains(r.out, "no failure"));
  CHECK(contains(r.out, "Output (2 lines printed):\n  hello\n  3\n"));
  std::filesystem::remove(path);
}

TEST_CASE("check scenarios/: every scenario shows exactly what it expects") {
  const Result r = interleave("check scenarios/ --no-timing");
  CHECK_MESSAGE(r.status == 0, r.out << r.err);
  CHECK(contains(r.out, "file"));
  CHECK(contains(r.out, "expected"));
  CHECK(contains(r.out, "scenarios/bank_race.scn"));
  CHECK(!contains(r.out, "MISMATCH"));
  CHECK(interleave("check scenarios/ --no-timing").out == r.out);
}

TEST_CASE("check scenarios/ under several seeds and strategies") {
  for (const char* seed : {"2", "3"}) CHECK(interleave(std::string("check scenarios/ -q --seed ") + seed).status == 0);
  if (interleave("run scenarios/bank_locked.scn --strategy dpor -q").status == 2) return;  // not in this build
  // The systematic strategies, on the scenarios without spin loops (a thread spinning on a flag
  // starves the others under PCT and makes the exhaustive searches endless); the checkers watch
  // them, so the races are found as the expect lines say.
  const std::string files =
      "scenarios/bank_race.scn scenarios/channel_handoff_race.scn scenarios/lost_update.scn scenarios/promise_set_twice.scn "
      "scenarios/bank_locked.scn scenarios/bank_locked_separately.scn scenarios/deadlock_two_locks.scn "
      "scenarios/deadlock_lock_order.scn scenarios/dining_philosophers.scn scenarios/dining_philosophers_ordered.scn "
      "scenarios/lost_update_locked.scn scenarios/lost_update_atomic.scn scenarios/missed_notification.scn "
      "scenarios/producer_consumer.scn scenarios/producer_consumer_if.scn scenarios/numbers_and_letters.scn "
      "scenarios/semaphore_pool.scn scenarios/channel_pipeline.scn scenarios/channel_send_after_close.scn "
      "scenarios/channel_nobody_sends.scn scenarios/select_default.scn scenarios/rwlock_readers_writer.scn "
      "scenarios/rwlock_upgrade.scn scenarios/barrier_wrong_count.scn scenarios/barrier_phases.scn scenarios/latch_start.scn "
      "scenarios/semaphore_over_release.scn scenarios/timed_mutex.scn scenarios/recursive_mutex.scn";
  for (const char* strategy : {"pct", "pos", "portfolio", "dpor"}) {
    const Result r = interleave("check " + files + " -q --strategy " + strategy);
    CHECK_MESSAGE(r.status == 0, strategy << "\n" << r.out);
  }
}

TEST_CASE("check reports a scenario that is not as expected, and exits 1") {
  const std::string path = (std::filesystem::temp_directory_path() / "interleave_cli_wrong_expect.scn").string();
  {
    std::ofstream out(path);
    out << "expect ok\nshared n = 0\nthread w[2]:\n    n = n + 1\nfinally:\n    assert n == 2, \"lost\"\n";
  }
  const Result r = interleave("check '" + path + "' --no-timing");
  CHECK(r.status == 1);
  CHECK(contains(r.out, "MISMATCH"));
  CHECK(contains(r.out, "unexpected assertion: lost"));
  CHECK(contains(r.out, "replay: interleave replay"));
  std::filesystem::remove(path);
}

TEST_CASE("every malformed file: exit 2 and its file:line:col diagnostic, never a crash") {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(source_dir + "/tests/malformed")) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 40);
  for (const std::filesystem::path& file : files) {
    const std::string relative = "tests/malformed/" + file.filename().string();
    const std::string first = slurp(file.string()).substr(0, slurp(file.string()).find('\n'));
    const std::string expected = first.substr(std::string("# error: ").size());
    const std::string place = expected.substr(0, expected.find(": ") + 1);
    const Result r = interleave("run " + relative);
    CAPTURE(relative);
    CHECK(r.status == 2);
    CHECK(r.err.rfind(relative + ":" + place + " error: " + expected.substr(place.size() + 1), 0) == 0);
  }
  CHECK(interleave("check tests/malformed/unknown_variable.scn").status == 2);
}

TEST_CASE("interleave timeline: makespans, the chart, and a trace written through a temporary name") {
  const Result one = interleave("timeline scenarios/timing/count_threads.scn --width 16");
  CHECK(one.status == 0);
  CHECK(one.out.find("makespan 4 s  (machine: 1 core, quantum 10 ms, no GIL)") != std::string::npos);
  const Result four = interleave("timeline scenarios/timing/count_threads.scn --cores 4 --width 16");
  CHECK(four.out.find("makespan 1 s") != std::string::npos);
  CHECK(four.out.find("|DDDDDDDDDDDDDDDD|") != std::string::npos);  // core 3: one task, the whole time
  CHECK(interleave("timeline scenarios/timing/count_threads.scn --cores 4 --gil").out.find("makespan 4 s") != std::string::npos);
  CHECK(interleave("timeline scenarios/timing/count_threads.scn --cores 4 --width 16").out == four.out);
  const std::string trace = (std::filesystem::temp_directory_path() / ("interleave_cli_trace_" + std::to_string(::getpid()) + ".json")).string();
  const Result traced = interleave("timeline scenarios/timing/sleep_async.scn --trace-out '" + trace + "'");
  CHECK(traced.status == 0);
  const std::string json = slurp(trace);
  CHECK(json.find("\"traceEvents\": [") != std::string::npos);
  CHECK(json.find("\"ph\": \"X\"") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(trace + ".tmp"));
  std::filesystem::remove(trace);
  CHECK(interleave("timeline tests/malformed/statement_at_top.scn").status == 2);
}

TEST_CASE("interleave compare: the model's makespans next to a real run of each workload") {
  const Result r = interleave("compare --unit 0.01 --repeat 1 --cores 1 --cores 64");
  CHECK(r.status == 0);
  CHECK(r.out.find("count_threads.scn          | 4 s      ") != std::string::npos);
  CHECK(r.out.find("sleep_async.scn            | 1 s      ") != std::string::npos);
  CHECK(r.out.find("| 1 s      n/a") != std::string::npos);  // no machine here lets a test use 64 CPUs
}

TEST_CASE("interleave real: the overdraft counted next to the simulation's; the locked bank has none; JSON and trace load") {
  const Result race = interleave("real scenarios/bank_race.scn --runs 2000 --noise --seed 3 --no-timing");
  CHECK(race.status == 1);
  CHECK(contains(race.out, "scenarios/bank_race.scn: 2,000 runs on real threads, 2 threads each, with noise (seed 3)"));
  CHECK(contains(race.out, "overdraft (at scenarios/bank_race.scn:11, in main; first in run "));
  CHECK(contains(race.out, "real threads: overdraft in "));
  CHECK(contains(race.out, "; simulation: overdraft found at execution 4\n"));
  CHECK_FALSE(contains(race.out, "ms per run"));

  const Result locked = interleave("real scenarios/bank_locked.scn --runs 2000 --noise --json");
  CHECK(locked.status == 0);
  const nlohmann::json j = nlohmann::json::parse(locked.out);
  CHECK(j["runs"] == 2000);
  CHECK(j["failed"] == 0);
  CHECK(j["outcomes"].size() == 1);
  CHECK(j["outcomes"][0]["outcome"] == "ok");
  CHECK(j["outcomes"][0]["runs"] == 2000);
  CHECK(j["rate_high"].get<double>() < 0.01);
  CHECK(j["ms_per_run"].get<double>() > 0);
  CHECK(j["simulation"]["first_finding"].is_null());

  const std::string trace = (std::filesystem::temp_directory_path() / ("interleave_cli_real_" + std::to_string(::getpid()) + ".json")).string();
  const Result traced = interleave("real scenarios/lost_update.scn --runs 20 --no-simulation --timeline '" + trace + "'");
  CHECK(traced.status <= 1);
  const nlohmann::json t = nlohmann::json::parse(slurp(trace));
  std::size_t runs = 0;
  for (const auto& e : t["traceEvents"]) {
    for (const char* field : {"ph", "pid", "tid"}) CHECK(e.contains(field));
    if (e["ph"] == "X") {
      CHECK(e.contains("ts"));
      CHECK(e.contains("dur"));
      runs += e["pid"] == 2 ? 1 : 0;
    }
  }
  CHECK(runs == 20 * 3);  // lost_update.scn: three threads
  CHECK_FALSE(std::filesystem::exists(trace + ".tmp"));
  std::filesystem::remove(trace);
}

TEST_CASE("interleave real: a deadlock ends its runs and says who waits for what; bad input exits 2") {
  // Each thread takes its first lock and waits (on a semaphore) until the other has taken its own.
  const std::string file = (std::filesystem::temp_directory_path() / ("interleave_cli_deadlock_" + std::to_string(::getpid()) + ".scn")).string();
  std::ofstream(file) << "mutex a, b\nsemaphore a_held = 0\nsemaphore b_held = 0\n"
                         "thread left:\n    lock a:\n        release a_held\n        acquire b_held\n        lock b:\n            pass\n"
                         "thread right:\n    lock b:\n        release b_held\n        acquire a_held\n        lock a:\n            pass\n";
  const Result d = interleave("real '" + file + "' --runs 50 --no-timing");
  std::filesystem::remove(file);
  CHECK(d.status == 1);
  CHECK(contains(d.out, "  deadlock             50  every thread waits for another (first in run 1)\n"
                        "      left waits for mutex b (held by right)\n      right waits for mutex a (held by left)\n"));
  CHECK(contains(d.out, "real threads: deadlock in 50 of 50 runs (100.0%"));
  CHECK(contains(d.out, "; simulation: deadlock found at execution "));
  CHECK(interleave("real").status == 2);
  CHECK(interleave("real scenarios/bank_race.scn --runs 0").status == 2);
  CHECK(interleave("real scenarios/bank_race.scn --runs many").status == 2);
  CHECK(interleave("real scenarios/bank_race.scn --stall-seconds -1").status == 2);
  CHECK(interleave("real scenarios/bank_race.scn --loud").status == 2);
  CHECK(interleave("real no/such/file.scn").status == 2);
  CHECK(interleave("real tests/malformed/statement_at_top.scn").status == 2);
  CHECK(interleave("real scenarios/bank_race.scn --runs 1 --timeline /no/such/dir/t.json").status == 2);
  const Result channels = interleave("real scenarios/channel_pipeline.scn --runs 100 --noise");
  CHECK(channels.status == 0);
  CHECK(contains(channels.out, "real threads: a failure in 0 of 100 runs"));
}

TEST_CASE("interleave real: futures and thread pools run, their workers counted; the pool deadlock is named") {
  const Result nested = interleave("real scenarios/pool_nested.scn --runs 50 --noise --no-timing --no-simulation");
  CHECK(nested.status == 0);
  CHECK(contains(nested.out, "scenarios/pool_nested.scn: 50 runs on real threads, 1 thread and 2 pool workers each, with noise (seed 1)\n  ok                   50\n"));
  CHECK(contains(nested.out, "real threads: a failure in 0 of 50 runs"));
  const Result map = interleave("real scenarios/pool_map.scn --runs 50 --json --no-simulation");
  CHECK(map.status == 0);
  const nlohmann::json j = nlohmann::json::parse(map.out);
  CHECK((j["threads"] == 1 && j["pool_workers"] == 2));
  CHECK(j["outcomes"] == nlohmann::json::parse(R"([{"outcome": "ok", "runs": 50}])"));
  // The workers are tasks of the trace, with a segment per run like the scenario's threads.
  const std::string trace = (std::filesystem::temp_directory_path() / ("interleave_cli_pool_" + std::to_string(::getpid()) + ".json")).string();
  CHECK(interleave("real scenarios/as_completed_sum.scn --runs 10 --no-simulation --timeline '" + trace + "'").status == 0);
  const nlohmann::json t = nlohmann::json::parse(slurp(trace));
  std::filesystem::remove(trace);
  std::size_t segments = 0;
  bool named = false;
  for (const auto& e : t["traceEvents"]) {
    if (e["ph"] == "X" && e["pid"] == 2) ++segments;
    if (e["ph"] == "M" && e["pid"] == 2 && e["args"].contains("name") && e["args"]["name"] == "workers.worker1") named = true;
  }
  CHECK(segments == 10 * 3);  // the client and two workers
  CHECK(named);
  const Result stuck = interleave("real scenarios/pool_nested_deadlock.scn --runs 20 --no-timing");
  CHECK(stuck.status == 1);
  CHECK(contains(stuck.out, "  deadlock             20  every thread waits for another (first in run 1)\n"
                            "      client waits for future outer (nobody has set it)\n      workers.worker0 waits for future inner (nobody has set it)\n"));
  CHECK(contains(stuck.out, "; simulation: deadlock found at execution 1\n"));
}
