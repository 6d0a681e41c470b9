// interleave compare: the sleep-vs-count exercise — the model's makespans next to real wall times
// of the same workload in C++ on this machine (threads, a mutex as a GIL, fork()ed processes).
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

#include "cli/commands.hpp"
#include "cli/flags.hpp"
#include "sim/time/timeline.hpp"

namespace cli {

namespace {

using Clock = std::chrono::steady_clock;

enum class Work : std::uint8_t { Sleep, Count };
// How four tasks run: one after another; on four threads (under a GIL or not); in four processes;
// as four async tasks whose sleeps overlap on one event loop.
enum class Mode : std::uint8_t { Serial, Threads, ThreadsGil, Processes, AsyncAwait };

struct Row {
  const char* file;
  Work work;
  Mode mode;
};

// The scenarios of scenarios/timing and the C++ workload each stands for.
constexpr Row rows[] = {
    {"sleep_serial.scn", Work::Sleep, Mode::Serial},
    {"sleep_threads.scn", Work::Sleep, Mode::ThreadsGil},
    {"sleep_processes.scn", Work::Sleep, Mode::Processes},
    {"sleep_async.scn", Work::Sleep, Mode::AsyncAwait},
    {"sleep_async_blocking.scn", Work::Sleep, Mode::Serial},  // a blocking sleep holds the one loop thread
    {"count_serial.scn", Work::Count, Mode::Serial},
    {"count_threads.scn", Work::Count, Mode::Threads},
    {"count_threads_gil.scn", Work::Count, Mode::ThreadsGil},
    {"count_processes.scn", Work::Count, Mode::Processes},
    {"count_async.scn", Work::Count, Mode::Serial},  // CPU work on the loop thread runs one task at a time
};

// Counting to `n` with a loop the compiler must keep (the "count to 10 million" task).
[[gnu::noinline]] std::uint64_t count_to(std::uint64_t n) {
  std::uint64_t x = 0;
  for (std::uint64_t i = 0; i < n; ++i) {
    x += i;
    asm volatile("" : "+r"(x));
  }
  return x;
}

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// How far one core counts in `unit` seconds: a first guess, then the median of five counts that
// each take about `unit` (short probes miss the clock ramping up).
std::uint64_t calibrate(double unit) {
  auto start = Clock::now();
  count_to(50'000'000);
  auto probe = static_cast<std::uint64_t>(50'000'000 / seconds_since(start) * unit);
  std::vector<double> rates;
  for (int i = 0; i < 5; ++i) {
    start = Clock::now();
    count_to(probe);
    rates.push_back(static_cast<double>(probe) / seconds_since(start));
  }
  std::sort(rates.begin(), rates.end());
  return static_cast<std::uint64_t>(rates[2] * unit);
}

struct Workload {
  Work work;
  double unit;           // seconds of real time one model second stands for
  std::uint64_t counts;  // count_to this many takes `unit` on one core
};

// A mutex that CPU work holds in slices, as CPython's GIL (switch interval: 1/200 of the work).
void count_under(std::mutex& gil, std::uint64_t n) {
  const std::uint64_t slice = std::max<std::uint64_t>(n / 200, 1);
  for (std::uint64_t done = 0; done < n; done += slice) {
    std::lock_guard lock(gil);
    count_to(std::min(slice, n - done));
  }
}

void one_task(const Workload& w) {
  if (w.work == Work::Sleep) {
    std::this_thread::sleep_for(std::chrono::duration<double>(w.unit));
  } else {
    count_to(w.counts);
  }
}

double run_once(const Workload& w, Mode mode) {
  const auto start = Clock::now();
  switch (mode) {
    case Mode::Serial:
      for (int i = 0; i < 4; ++i) one_task(w);
      break;
    case Mode::Threads:
    case Mode::ThreadsGil: {
      std::mutex gil;
      std::vector<std::thread> threads;
      for (int i = 0; i < 4; ++i) {
        threads.emplace_back([&] {
          // A sleeping thread does not hold the GIL; a counting one holds it slice by slice.
          if (mode == Mode::ThreadsGil && w.work == Work::Count) return count_under(gil, w.counts);
          one_task(w);
        });
      }
      for (std::thread& t : threads) t.join();
      break;
    }
    case Mode::Processes: {
      std::vector<pid_t> children;
      for (int i = 0; i < 4; ++i) {
        const pid_t pid = ::fork();
        if (pid == 0) {
          one_task(w);
          ::_exit(0);
        }
        if (pid > 0) children.push_back(pid);
      }
      for (pid_t pid : children) ::waitpid(pid, nullptr, 0);
      break;
    }
    case Mode::AsyncAwait:
      // One thread runs the loop: four timers of `unit` are due together, so it waits once.
      std::this_thread::sleep_for(std::chrono::duration<double>(w.unit));
      break;
  }
  return seconds_since(start);
}

// Runs on the first `cores` CPUs this process may use; false if it has fewer.
bool pin(std::uint32_t cores, const cpu_set_t& allowed) {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::uint32_t taken = 0;
  for (int cpu = 0; cpu < CPU_SETSIZE && taken < cores; ++cpu) {
    if (!CPU_ISSET(cpu, &allowed)) continue;
    CPU_SET(cpu, &set);
    ++taken;
  }
  return taken == cores && ::sched_setaffinity(0, sizeof set, &set) == 0;
}

std::string cell(double seconds) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f s", seconds);
  return buf;
}

}  // namespace

CLI::App* add_compare_command(CLI::App& app, CompareArgs& args) {
  CLI::App* cmd = app.add_subcommand("compare", "the sleep-vs-count exercise: model makespans next to real wall times of the same workload in C++");
  cmd->add_option("DIR", args.dir, "the folder with the exercise's scenarios")->capture_default_str();
  duration_option(*cmd, "--unit", args.unit, "seconds of real time one model second stands for (the real runs are scaled back)",
                  Unit::Seconds, {.low = 0.01, .high = 10.0});
  cmd->add_option("--repeat", args.repeat, "real runs per cell; the median is shown")->check(CLI::Range(1u, 100u))->capture_default_str();
  cmd->add_option("--cores", args.cores, "core counts to compare")->check(CLI::Range(1u, 1024u))->capture_default_str();
  return cmd;
}

int compare_command(const CompareArgs& args) {
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  if (::sched_getaffinity(0, sizeof allowed, &allowed) != 0) CPU_SET(0, &allowed);
  const auto available = static_cast<std::uint32_t>(CPU_COUNT(&allowed));
  const Workload base{Work::Sleep, args.unit, calibrate(args.unit)};
  std::printf("the sleep-vs-count exercise, 4 tasks each: model makespan | real wall time on this machine (%u CPUs),\n"
              "median of %u runs, the real run scaled by 1 model second = %g s real; counting 1 unit = to %llu\n\n",
              available, args.repeat, args.unit, static_cast<unsigned long long>(base.counts));
  std::string header = "scenario                  ";
  for (std::uint32_t c : args.cores) {
    std::string model = "model " + std::to_string(c) + "c", real = "real " + std::to_string(c) + "c";
    model.resize(9, ' ');
    real.resize(9, ' ');
    header += " | " + model + real;
  }
  std::printf("%s\n", header.c_str());
  int status = exit_ok;
  for (const Row& row : rows) {
    const std::optional<lang::Loaded> loaded = load(args.dir + "/" + row.file, false);
    if (!loaded) return exit_usage;
    std::string line(row.file);
    line.resize(26, ' ');
    for (std::uint32_t cores : args.cores) {
      sim::MachineModel model = machine_of(*loaded->program, TimingOverrides{.cores = cores});
      const sim::TimelineReport t = sim::timeline(lang::make_body(loaded->program, interpreter_options()), {.machine = model});
      if (t.failure) status = exit_failure;
      std::string model_cell = sim::format_duration(t.makespan);
      std::string real_cell = "n/a";
      if (pin(cores, allowed)) {
        std::vector<double> times;
        Workload w = base;
        w.work = row.work;
        for (std::uint32_t i = 0; i < args.repeat; ++i) times.push_back(run_once(w, row.mode) / args.unit);
        std::sort(times.begin(), times.end());
        real_cell = cell(times[times.size() / 2]);
      }
      ::sched_setaffinity(0, sizeof allowed, &allowed);
      model_cell.resize(9, ' ');
      real_cell.resize(9, ' ');
      line += " | " + model_cell + real_cell;
    }
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
  }
  std::printf("\nn/a: this machine lets the process use fewer CPUs than that. A GIL is a std::mutex that counting\n"
              "holds in slices; processes are fork()ed; async is one thread waiting on the timers together.\n"
              "Real counts drift with whatever else the machine runs; the model's figures are exact.\n");
  return status;
}

}  // namespace cli
