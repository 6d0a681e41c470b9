// Fuzz targets for what runs concurrently beyond the scenario interpreter: the real-thread
// backend (scenarios on OS threads) and the C++ API's futures and thread pools.
#include <array>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "fuzz/targets.hpp"
#include "interleave/interleave.hpp"
#include "lang/real/real_runner.hpp"
#include "lang/scenario.hpp"

namespace fuzz {

namespace {

// Two clients, each taking every other byte as one operation on a shared pool and promises.
class FutureProgram {
 public:
  explicit FutureProgram(const std::vector<std::uint8_t>& bytes) : bytes_(bytes) {}

  void operator()() {
    sim::ThreadPool pool(1 + bytes_[0] % 2, "pool");
    std::array<sim::Promise<int>, 3> promises{sim::Promise<int>("p0"), sim::Promise<int>("p1"), sim::Promise<int>("p2")};
    std::array<std::optional<sim::Future<int>>, 3> futures;
    for (std::size_t i = 0; i < promises.size(); ++i) futures[i] = promises[i].get_future();
    sim::Thread a([&] { client(1, pool, promises, futures); }, "a");
    sim::Thread b([&] { client(2, pool, promises, futures); }, "b");
    a.join();
    b.join();
  }

 private:
  void client(std::size_t from, sim::ThreadPool& pool, std::array<sim::Promise<int>, 3>& promises,
              std::array<std::optional<sim::Future<int>>, 3>& futures) {
    std::vector<sim::Future<int>> mine;
    for (std::size_t i = from; i < bytes_.size(); i += 2) {
      const int b = bytes_[i];
      const std::size_t which = static_cast<std::size_t>(b / 8) % promises.size();
      switch (b % 8) {
        case 0: mine.push_back(pool.submit([b] { return b; })); break;
        case 1:
          if (!mine.empty()) {
            sim::Future<int> f = std::move(mine.back());
            mine.pop_back();
            (void)f.get();
          }
          break;
        case 2: promises[which].set_value(b); break;
        case 3:
          if (futures[which]) {
            sim::Future<int> f = std::move(*futures[which]);
            futures[which].reset();
            (void)f.get();
          }
          break;
        case 4: pool.shutdown(b / 8 % 2 == 0 ? sim::Shutdown::Drain : sim::Shutdown::Cancel); break;
        case 5: mine.push_back(pool.submit([]() -> int { throw std::runtime_error("the job failed"); })); break;
        case 6: (void)pool.map([](int x) { return x * 2; }, std::vector<int>{b, b + 1}); break;
        default:
          for (sim::Future<int>& f : sim::as_completed(mine)) (void)f.get();
          mine.clear();
          break;
      }
    }
  }

  const std::vector<std::uint8_t>& bytes_;
};

}  // namespace

void real(const std::uint8_t* data, std::size_t size) {
  if (size > 16 * 1024) return;
  const lang::Loaded loaded =
      lang::load_text("fuzz.scn", std::string(reinterpret_cast<const char*>(data), size), fuzz_load_limits());
  if (!loaded.ok() || lang::refused_on_real_threads(*loaded.program)) return;
  // Each run starts an OS thread per scenario thread and pool worker.
  if (loaded.program->threads.size() + lang::pool_workers(*loaded.program).size() > 16) return;
  const lang::RealRunOptions options{.runs = 2,
                                     .noise = lang::RealBackend::Noise::Yields,
                                     .seed = size,
                                     .stall_seconds = 0.5,
                                     .max_local_work = 20'000};
  const lang::RealRunReport report = lang::run_real_threads(loaded.program, options);
  // Sleeps and waits end when a stalled run is told to stop, and loops within their budget.
  if (report.abandoned) broken("a stalled real run's threads did not stop");
  if (report.totals.runs != options.runs) broken("real runs were lost");
}

void futures(const std::uint8_t* data, std::size_t size) {
  if (size < 2 || size > 256) return;
  const std::vector<std::uint8_t> bytes(data, data + size);
  sim::CheckOptions options;
  options.iterations = 4;
  options.seed = size;
  options.on_failure = sim::OnFailure::Continue;
  options.limits.max_steps = 2000;
  options.limits.crashes = sim::ExecutionLimits::Crashes::Die;  // a crash here is ours to see
  options.minimize.enabled = false;
  const sim::Report report = sim::check_random(FutureProgram(bytes), options);
  for (const sim::Failure& f : report.failures) {
    if (f.nondeterministic) broken("a finding of the futures target did not replay");
  }
  (void)sim::to_text(report);
  (void)sim::to_json(report);
}

}  // namespace fuzz
