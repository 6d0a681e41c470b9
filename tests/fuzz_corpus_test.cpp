// The fuzz corpus replayed: every seed and every regression file through its fuzz target.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "fuzz/targets.hpp"

namespace {

std::vector<std::filesystem::path> files_under(const std::string& dir) {
  std::vector<std::filesystem::path> out;
  for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(INTERLEAVE_SOURCE_DIR) / dir)) {
    if (entry.is_regular_file() && entry.path().filename() != "README.md") out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string read(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::size_t replay(const fuzz::Named& target) {
  std::size_t n = 0;
  for (const std::string& dir : target.seeds) {
    for (const auto& path : files_under(dir)) {
      INFO(target.name, ": ", path.string());
      const std::string bytes = read(path);
      target.target(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
      ++n;
    }
  }
  return n;
}

const fuzz::Named& target(std::string_view name) {
  for (const fuzz::Named& t : fuzz::targets()) {
    if (t.name == name) return t;
  }
  FAIL("no fuzz target " << name);
  throw;  // unreachable
}

}  // namespace

TEST_CASE("every seed and regression file of the scenario target loads without a crash") {
  CHECK(replay(target("scenario")) > 50);
}

TEST_CASE("every seed and regression token decodes or is refused, and replays without a crash") {
  CHECK(replay(target("token")) >= 5);
}

TEST_CASE("every seed and regression scenario runs under the small budgets without a crash") {
  CHECK(replay(target("run")) > 50);
}

TEST_CASE("every seed and regression scenario runs on real threads, or is refused, without a crash") {
  CHECK(replay(target("real")) > 30);
}

TEST_CASE("every seed and regression program of the futures target runs without a crash") {
  CHECK(replay(target("futures")) >= 5);
}
