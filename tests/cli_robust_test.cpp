// The command at its edges (issue 23): write errors, --output onto links and devices, bad flags,
// pipes and devices as scenario files, element budgets, memory exhaustion, tokens from elsewhere,
// output volume, a scenario's stack overflow, and the watchdog's report where it used to hang.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include "text_support.hpp"

namespace {

namespace fs = std::filesystem;

const std::string source_dir = INTERLEAVE_SOURCE_DIR;

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

fs::path scratch(const std::string& name) { return fs::temp_directory_path() / ("interleave_robust_" + std::to_string(::getpid()) + "_" + name); }

struct Result {
  int status = -1;
  std::string out;
  std::string err;
  double seconds = 0;
};

// Runs `interleave ARGS` (a shell word list) from the source directory; stdout goes to `out_to`
// when given (the test reads nothing from it then).
Result interleave(const std::string& args, const std::string& out_to = "") {
  const fs::path out = scratch("cmd.out"), err = scratch("cmd.err");
  // A hang is a failed check here, not the whole program's timeout (timeout's status is 124).
  const std::string command = "cd '" + source_dir + "' && timeout -k 5 120 '" + INTERLEAVE_BIN + "' " + args + " >" +
                              (out_to.empty() ? "'" + out.string() + "'" : out_to) + " 2>'" + err.string() + "'";
  const auto start = std::chrono::steady_clock::now();
  const int raw = std::system(command.c_str());
  Result r;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  fs::remove(out);
  fs::remove(err);
  return r;
}

// The token of the first story in `out`.
std::string first_token(const std::string& out) {
  const std::size_t at = out.find("token:  ");
  REQUIRE(at != std::string::npos);
  return out.substr(at + 8, out.find('\n', at) - at - 8);
}

}  // namespace

TEST_CASE("a report that cannot be written to standard output is an error, for every subcommand") {
  for (const std::string args : {"run scenarios/bank_race.scn --iterations 10", "check scenarios/bank_locked.scn --iterations 10",
                           "timeline scenarios/timing/sleep_serial.scn"}) {
    CAPTURE(args);
    const Result r = interleave(args, "/dev/full");
    CHECK(r.status == 2);
    CHECK(contains(r.err, "interleave: error: cannot write to standard output"));
  }
  const Result run = interleave("run scenarios/bank_race.scn --iterations 10 --no-timing");
  const Result replay = interleave("replay scenarios/bank_race.scn " + first_token(run.out), "/dev/full");
  CHECK(replay.status == 2);
  CHECK(contains(replay.err, "cannot write to standard output"));
}

TEST_CASE("--output follows a symbolic link to the file it names, and writes a device or a pipe in place") {
  const fs::path target = scratch("target.txt"), link = scratch("link.txt");
  std::ofstream(target) << "old";
  fs::create_symlink(target, link);
  const Result r = interleave("run scenarios/bank_locked.scn --iterations 5 --no-timing --output '" + link.string() + "'");
  CHECK(r.status == 0);
  CHECK(fs::is_symlink(link));  // the link stays a link ...
  CHECK(contains(slurp(target), "no failure"));  // ... and the file it names has the report
  fs::remove(link);
  fs::remove(target);

  // A named pipe stands for a device node here: renaming over it would have replaced it with a file.
  const fs::path fifo = scratch("report.fifo");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  std::string read_back;
  std::thread reader([&] { read_back = slurp(fifo); });
  const Result p = interleave("run scenarios/bank_locked.scn --iterations 5 --no-timing --output '" + fifo.string() + "'");
  reader.join();
  CHECK(p.status == 0);
  CHECK(contains(read_back, "no failure"));
  struct stat st{};
  REQUIRE(::stat(fifo.c_str(), &st) == 0);
  CHECK(S_ISFIFO(st.st_mode));
  fs::remove(fifo);
  CHECK(interleave("run scenarios/bank_locked.scn --iterations 5 --output /dev/null").status == 0);
  REQUIRE(::stat("/dev/null", &st) == 0);
  CHECK(S_ISCHR(st.st_mode));
}

TEST_CASE("seeds and durations are checked: no wrap-around, no NaN, units accepted, readable ranges") {
  for (const char* bad : {"--seed -1", "--seed 18446744073709551616", "--seed 12abc", "--time-limit nan", "--time-limit inf",
                          "--time-limit -1", "--time-limit 1e400", "--time-limit 60x"}) {
    CAPTURE(bad);
    const Result r = interleave(std::string("run scenarios/bank_race.scn --iterations 5 ") + bad);
    CHECK(r.status == 2);
    CHECK_FALSE(contains(r.err, "17976931348623157"));
    CHECK((contains(r.err, "is not a seed") || contains(r.err, "is not a duration") || contains(r.err, "out of range")));
  }
  CHECK(interleave("run scenarios/bank_race.scn --iterations 5 --seed 18446744073709551615").status == 1);
  CHECK(interleave("run scenarios/bank_race.scn --iterations 5 --time-limit 60s").status == 1);
  CHECK(interleave("run scenarios/bank_race.scn --iterations 5 --time-limit 1.5m").status == 1);
  const Result stall = interleave("real scenarios/bank_race.scn --runs 5 --stall-seconds nan");
  CHECK(stall.status == 2);
  CHECK(contains(stall.err, "--stall-seconds"));
  CHECK(interleave("timeline scenarios/timing/sleep_serial.scn --quantum-ms nan").status == 2);
  CHECK(interleave("timeline scenarios/timing/sleep_serial.scn --quantum-ms 10ms").status == 0);
  const Result unit = interleave("compare --unit nan");
  CHECK(unit.status == 2);
  CHECK(unit.seconds < 30);  // it used to spin for ever
}

TEST_CASE("a device or a pipe given as a scenario is read only up to --max-file-size") {
  const Result r = interleave("run /dev/zero --max-file-size 1KiB");
  CHECK(r.status == 2);
  CHECK(contains(r.err, "/dev/zero: error: too big for a scenario file (more than 1 KiB read from it; the limit is --max-file-size)"));
  const fs::path err = scratch("pipe.err");
  const int raw = std::system(("yes 'shared x = 0' | '" + std::string(INTERLEAVE_BIN) + "' run /dev/stdin --max-file-size 4KiB 2>'" +
                               err.string() + "' >/dev/null").c_str());
  CHECK(WEXITSTATUS(raw) == 2);
  CHECK(contains(slurp(err), "too big for a scenario file"));
  fs::remove(err);
}

TEST_CASE("the elements of all arrays together have a budget, named by its error (a 4.5 KB file used to take 900 MB per execution)") {
  const Result r = interleave("run tests/robust/mem_arrays200.scn --iterations 1");
  CHECK(r.status == 2);
  CHECK(contains(r.err, "tests/robust/mem_arrays200.scn:17:8: error: 'a16' brings the scenario to 1114112 elements of variables and objects, more than the limit of 1048576"));
  CHECK(contains(r.err, "the limit is --max-elements"));
}

TEST_CASE("2,000 arrays of 65,536 elements are refused at the declaration past the budget (6.9 GB and an abort before)") {
  for (const std::string flags : {"--iterations 20", "--iterations 20 --time-limit 5"}) {
    const Result r = interleave("run tests/robust/oom_arrays2000.scn " + flags);
    INFO(flags, "\n", r.err);
    CHECK(r.status == 2);
    CHECK(contains(r.err, "tests/robust/oom_arrays2000.scn:17:8: error: 'a16' brings the scenario to 1114112 elements"));
    CHECK_FALSE(contains(r.err, "endless loop"));
  }
}

#if !defined(__SANITIZE_ADDRESS__)
TEST_CASE("running out of memory is an error with exit code 2, not std::bad_alloc's abort") {
  const fs::path err = scratch("oom.err");
  const std::string command = "cd '" + source_dir + "' && ulimit -v 600000 && '" + INTERLEAVE_BIN +
                              "' run tests/robust/mem_arrays200.scn --iterations 1 --max-elements 20000000 >/dev/null 2>'" + err.string() + "'";
  const int raw = std::system(command.c_str());
  const std::string text = slurp(err);
  fs::remove(err);
  INFO(text);
  CHECK(WIFEXITED(raw));
  CHECK(WEXITSTATUS(raw) == 2);
  CHECK(contains(text, "interleave: error: out of memory"));
}
#endif

TEST_CASE("a token from another scenario is refused as such; a version 1 token and escape bytes get clear messages") {
  const Result race = interleave("run scenarios/bank_race.scn --iterations 100 --no-timing");
  const std::string token = first_token(race.out);
  CHECK(interleave("replay scenarios/bank_race.scn " + token + " --quiet").status == 1);
  const Result elsewhere = interleave("replay scenarios/lost_update.scn " + token);
  CHECK(elsewhere.status == 2);
  CHECK(contains(elsewhere.out + elsewhere.err, "the token was not recorded on this program"));

  const Result old = interleave("replay scenarios/bank_race.scn \"$(cat fuzz/corpus/token/v1_2pow27_choices)\"");
  CHECK(old.status == 2);
  CHECK(contains(old.err, "version 1 was written by an older interleave"));
  CHECK(old.seconds < 10);  // it used to take 18 s and 5.2 GB

  const Result escaped = interleave("replay scenarios/bank_race.scn \"$(printf 'v\\033[2J.AAAA')\"");
  CHECK(escaped.status == 2);
  CHECK(contains(escaped.err, "\\x1b[2J"));
  CHECK_FALSE(contains(escaped.err, "\x1b"));
}

TEST_CASE("a story of a thousand threads leaves out its per-task table unless asked (183 MB before)") {
  const Result r = interleave("run tests/robust/output_blowup_1000_threads.scn --iterations 5 --no-timing");
  CHECK(r.status == 1);
  CHECK(r.out.size() < 2'000'000);
  CHECK(contains(r.out, "By task: left out (1001 tasks, more than 32; --full-table"));
  const Result full = interleave("replay tests/robust/output_blowup_1000_threads.scn " + first_token(r.out) + " --full-table");
  CHECK(full.status == 1);
  CHECK(contains(full.out, "By task:\n"));
  CHECK(full.out.size() > r.out.size());
}

TEST_CASE("a scenario that overflows its task's stack is a stack-overflow finding that replays") {
  // The interpreter stops recursion 96 KiB short of the stack's end; an expression nested 1,990
  // deep, evaluated at the deepest call, needs more than that. It used to end the process.
  std::string negations;
  for (int i = 0; i < 1990; ++i) negations += "- ";
  const fs::path file = scratch("deep.scn");
  std::ofstream(file) << "expect stack-overflow\n\nshared n = 0\n\ndef down(k):\n    let x = " << negations
                      << "k\n    return down(k + 1 + x - x)\n\nthread diver:\n    n = down(0)\n";
  const std::string flags = " --max-call-depth 100000 --max-nesting 1000 --color never";
  const Result r = interleave("run '" + file.string() + "' --no-timing" + flags);
  INFO(r.out, r.err);
  CHECK(r.status == 1);
  CHECK(contains(r.out, "StackOverflow: diver overflowed its stack (512 KiB)"));
  CHECK(contains(r.out, "where:  " + file.string() + ":9 (task diver)"));
  const Result again = interleave("replay '" + file.string() + "' " + first_token(r.out) + flags);
  CHECK(again.status == 1);
  CHECK(contains(again.out, "StackOverflow: diver overflowed its stack (512 KiB)"));
  const Result check = interleave("check '" + file.string() + "' --iterations 3" + flags);
  CHECK(check.status == 0);
  fs::remove(file);
}

TEST_CASE("a time limit over a scenario that spins and allocates ends the process with a report (it used to hang, 3 runs of 3)") {
  const Result r = interleave("run tests/robust/watchdog_hang_futures100.scn --iterations 20 --time-limit 1 --max-elements 10000000");
  INFO(r.out, r.err);
  CHECK(r.seconds < 60);
  CHECK((r.status == 1 || r.status == 3));
  CHECK_FALSE(contains(r.err, " at :0"));
}
