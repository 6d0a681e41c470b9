// Tests the machine model and the timeline of a C++ body: exact makespans on 1, 2 and 4 cores,
// with and without a GIL, processes, time slicing, the chart, the trace JSON and determinism.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <interleave/interleave.hpp>
#include <nlohmann/json.hpp>

#include "sim/time/timeline.hpp"

using namespace std::chrono_literals;
using nlohmann::json;

namespace {

constexpr sim::Nanos second = 1'000'000'000;

// `n` threads, each computing `work` (in process `first_process + i` if `processes`).
std::function<void()> counters(int n, sim::Duration work, bool processes = false) {
  return [=] {
    std::vector<std::unique_ptr<sim::Thread>> threads;
    for (int i = 0; i < n; ++i) {
      threads.push_back(std::make_unique<sim::Thread>(
          [=] {
            if (processes) sim::in_process(static_cast<std::uint32_t>(i + 1));
            sim::compute(work);
          },
          "counter" + std::to_string(i)));
    }
    for (auto& t : threads) t->join();
  };
}

sim::Nanos makespan(const std::function<void()>& body, std::uint32_t cores, sim::MachineModel::Gil gil = sim::MachineModel::Gil::None) {
  const sim::TimelineReport r = sim::timeline(body, {.machine = {.cores = cores, .gil = gil}});
  REQUIRE_FALSE(r.failure.has_value());
  return r.makespan;
}

}  // namespace

TEST_CASE("CPU work is time-sliced on one core and parallel on several") {
  CHECK(makespan(counters(4, 1s), 1) == 4 * second);
  CHECK(makespan(counters(4, 1s), 2) == 2 * second);
  CHECK(makespan(counters(4, 1s), 4) == 1 * second);
  CHECK(makespan(counters(4, 1s), 8) == 1 * second);
  CHECK(makespan(counters(3, 1s), 2) == 1500 * 1'000'000);  // round-robin shares 3 s of work over 2 cores
}

TEST_CASE("under a GIL threads of one process take turns; processes each have their own") {
  using Gil = sim::MachineModel::Gil;
  CHECK(makespan(counters(4, 1s), 4, Gil::PerProcess) == 4 * second);
  CHECK(makespan(counters(4, 1s, true), 4, Gil::PerProcess) == 1 * second);
  CHECK(makespan(counters(4, 1s, true), 2, Gil::PerProcess) == 2 * second);
}

TEST_CASE("sleeping needs no core and no GIL") {
  auto sleepers = [] {
    std::vector<std::unique_ptr<sim::Thread>> threads;
    for (int i = 0; i < 4; ++i) threads.push_back(std::make_unique<sim::Thread>([] { sim::sleep_for(1s); }, "sleeper"));
    for (auto& t : threads) t->join();
  };
  CHECK(makespan(sleepers, 1, sim::MachineModel::Gil::PerProcess) == 1 * second);
  CHECK(makespan([] { for (int i = 0; i < 4; ++i) sim::sleep_for(1s); }, 4) == 4 * second);
}

TEST_CASE("the timeline accounts for every task's time: run, wait for a core, sleep") {
  const sim::TimelineReport r = sim::timeline(counters(2, 100ms), {.machine = {.cores = 1, .quantum = 10ms}});
  REQUIRE(r.tasks.size() == 3);
  CHECK(r.tasks[1].name == "counter0");
  for (std::uint32_t t = 1; t <= 2; ++t) {
    CHECK(r.total(sim::TaskId{t}, sim::SegmentKind::Run) == 100'000'000);
    CHECK(r.total(sim::TaskId{t}, sim::SegmentKind::WaitCore) > 0);
  }
  // Round-robin: no slice is longer than the quantum, and one core never runs two at once.
  for (const sim::Segment& s : r.segments) {
    if (s.kind == sim::SegmentKind::Run) CHECK(s.end - s.start <= 10'000'000);
  }
  CHECK(r.makespan == 200'000'000);
}

TEST_CASE("the chart shows time slicing on one core and parallel bars on several") {
  const std::string one = sim::to_text(sim::timeline(counters(2, 1s), {.machine = {.cores = 1, .quantum = 250ms}}), {.width = 16});
  CHECK(one.find("makespan 2 s") != std::string::npos);
  CHECK(one.find("|AABBAABBAABBAABB|") != std::string::npos);
  const std::string two = sim::to_text(sim::timeline(counters(2, 1s), {.machine = {.cores = 2}}), {.width = 16});
  CHECK(two.find("makespan 1 s") != std::string::npos);
  CHECK(two.find("|AAAAAAAAAAAAAAAA|\ncore 1") != std::string::npos);
  CHECK(two.find("|BBBBBBBBBBBBBBBB|") != std::string::npos);
  MESSAGE(one);
}

TEST_CASE("the same body gives the same timeline, byte for byte") {
  const auto body = counters(3, 70ms);
  const sim::TimelineOptions options{.machine = {.cores = 2, .quantum = 4ms}};
  CHECK(sim::to_text(sim::timeline(body, options)) == sim::to_text(sim::timeline(body, options)));
  CHECK(sim::to_trace_json(sim::timeline(body, options)) == sim::to_trace_json(sim::timeline(body, options)));
}

TEST_CASE("the trace is Chrome trace-event JSON, written through a temporary name") {
  const sim::TimelineReport r = sim::timeline(counters(2, 30ms), {.machine = {.cores = 1}});
  const std::string path = (std::filesystem::temp_directory_path() / "interleave_trace_test.json").string();
  std::string error;
  REQUIRE(sim::write_trace(sim::to_trace_json(r), path, error));
  CHECK_FALSE(std::filesystem::exists(path + ".tmp"));
  std::ifstream in(path);
  const json j = json::parse(in);
  REQUIRE(j["traceEvents"].is_array());
  int complete = 0;
  double ran_us = 0;
  for (const json& e : j["traceEvents"]) {
    REQUIRE(e.contains("ph"));
    CHECK(e["pid"].is_number_integer());
    CHECK(e["tid"].is_number_integer());
    if (e["ph"] == "X") {
      ++complete;
      CHECK(e["ts"].is_number());
      CHECK(e["dur"].get<double>() > 0);
      if (e["pid"] == 1) ran_us += e["dur"].get<double>();
    } else {
      CHECK(e["ph"] == "M");
    }
  }
  CHECK(complete > 0);
  CHECK(ran_us == doctest::Approx(60'000.0));  // the cores ran 2 × 30 ms
  std::filesystem::remove(path);
}

TEST_CASE("outside a timeline run compute is plain virtual time: every task has its own core") {
  sim::Report r = sim::check_random(counters(4, 1s), {.iterations = 20});
  CHECK(r.ok());
}
