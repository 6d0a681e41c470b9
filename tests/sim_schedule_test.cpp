// Tests the replay token codec: round trips, rejected malformed tokens, and replays that diverge.
#include <doctest/doctest.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/bodies.hpp"
#include "interleave/doctest.hpp"
#include "sim/core/rng.hpp"
#include "text_support.hpp"

namespace {

using bodies::bank_race_2t;

sim::Choice task(std::uint32_t t) { return {sim::Choice::Kind::Task, t}; }
sim::Choice value(std::uint32_t v) { return {sim::Choice::Kind::Value, v}; }

void round_trip(const sim::Schedule& s) {
  const std::string token = s.encode();
  CAPTURE(token);
  const std::string prefix = s.states ? "v2s." : "v2.";
  CHECK(token.rfind(prefix, 0) == 0);
  CHECK(token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", prefix.size()) ==
        std::string::npos);
  sim::DecodedSchedule d = sim::decode_schedule(token, s.choices.size());
  CHECK(d.ok());
  CHECK(d.error.empty());
  CHECK(d.schedule == s);
}

constexpr std::uint64_t bound = 1000;

// What decoding `token` says is wrong with it ("" if it decodes).
std::string error_of(const std::string& token, std::uint64_t max_choices = bound) {
  sim::DecodedSchedule d = sim::decode_schedule(token, max_choices);
  if (!d.ok()) CHECK(d.schedule.choices.empty());
  return d.error;
}

// A token around raw bytes, written independently of the codec: checksum, then base64url.
std::string token_of_bytes(std::string bytes) {
  std::uint32_t h = 2166136261u;
  for (char c : bytes) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
  const auto sum = static_cast<std::uint16_t>(h ^ (h >> 16));
  bytes.push_back(static_cast<char>(sum & 0xFF));
  bytes.push_back(static_cast<char>(sum >> 8));
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out = "v2.";
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : bytes) {
    acc = (acc << 8) | static_cast<unsigned char>(c);
    for (bits += 8; bits >= 6;) out += alphabet[(acc >> (bits -= 6)) & 0x3F];
  }
  if (bits > 0) out += alphabet[(acc << (6 - bits)) & 0x3F];
  return out;
}

std::string varint(std::uint64_t v) {
  std::string out;
  for (; v >= 0x80; v >>= 7) out += static_cast<char>((v & 0x7F) | 0x80);
  return out + static_cast<char>(v);
}

std::string bank_token() {
  sim::Report r = sim::check_random(bank_race_2t, {.iterations = 100, .seed = 1});
  REQUIRE(r.find(sim::FailureKind::AssertionFailed) != nullptr);
  return r.find(sim::FailureKind::AssertionFailed)->token;
}

}  // namespace

TEST_CASE("schedules survive encode and decode") {
  round_trip({});
  round_trip({{task(0)}});
  round_trip({{task(1), task(0), task(1), task(2)}});
  round_trip({{value(0), value(1), task(1), value(1), value(1), task(0)}});
  round_trip(
      {{task(0xFFFFFFFFu), value(0xFFFFFFFFu), task(1u << 20), task(127), task(128), value(16383), value(16384)}});
  round_trip({std::vector<sim::Choice>(100000, task(1))});
  sim::Schedule runs;
  for (std::uint32_t i = 0; i < 50; ++i)
    runs.choices.insert(runs.choices.end(), i + 1, i % 3 == 0 ? value(i) : task(i));
  round_trip(runs);
}

TEST_CASE("a schedule recorded while states were kept is written v2s., and neither prefix passes for the other") {
  sim::Schedule s{{task(1), task(0), value(2)}, 0x1234, true};
  const std::string token = s.encode();
  CHECK(token.rfind("v2s.", 0) == 0);
  round_trip(s);
  const sim::DecodedSchedule back = sim::decode_schedule(token, 1000);
  REQUIRE(back.ok());
  CHECK(back.schedule.states);
  s.states = false;
  const std::string plain = s.encode();
  CHECK(plain.rfind("v2.", 0) == 0);
  CHECK_FALSE(sim::decode_schedule(plain, 1000).schedule.states);
  // The same bytes under the other prefix fail the checksum.
  CHECK(sim::decode_schedule("v2." + token.substr(4), 1000).error.find("checksum") != std::string::npos);
  CHECK(sim::decode_schedule("v2s." + plain.substr(3), 1000).error.find("checksum") != std::string::npos);
}

TEST_CASE("random schedules survive encode and decode") {
  sim::Rng rng(12345);
  for (int n = 0; n < 200; ++n) {
    sim::Schedule s;
    const std::uint32_t length = rng.below(300);
    for (std::uint32_t i = 0; i < length; ++i) {
      const std::uint32_t bound = rng.below(2) == 0 ? 4 : 0xFFFFFFFFu;
      s.choices.push_back(rng.below(3) == 0 ? value(rng.below(bound)) : task(rng.below(bound)));
    }
    round_trip(s);
  }
}

TEST_CASE("a long run of one task compresses to a short token") {
  sim::Schedule s{std::vector<sim::Choice>(100000, task(3))};
  CHECK(s.encode().size() < 20);
  CHECK(sim::Schedule{}.encode() != s.encode());
  CHECK(sim::Schedule{{task(0), task(1)}}.encode() != sim::Schedule{{task(1), task(0)}}.encode());
  CHECK(sim::Schedule{{task(1)}}.encode() != sim::Schedule{{value(1)}}.encode());
}

TEST_CASE("malformed tokens are rejected with a message saying what is wrong") {
  const std::string good = sim::Schedule{{task(1), task(0), value(1), task(2), task(2), task(2)}}.encode();
  REQUIRE(sim::decode_schedule(good, bound).ok());

  CHECK(contains(error_of(""), "empty"));
  CHECK(contains(error_of("x1.AAAA"), "start with 'v2.'"));
  CHECK(contains(error_of("v1AAAA"), "start with 'v2.'"));
  CHECK(contains(error_of("v9." + good.substr(3)), "version '9'"));
  CHECK(contains(error_of("v10." + good.substr(3)), "version '10'"));

  const std::string bad_char = good.substr(0, 5) + "*" + good.substr(6);
  const std::string bad_char_error = error_of(bad_char);
  CHECK(contains(bad_char_error, "unexpected character '*'"));
  CHECK(contains(bad_char_error, "position 6"));
  CHECK(contains(error_of(good + " "), "unexpected character ' '"));

  CHECK(contains(error_of("v2."), "truncated"));
  CHECK(contains(error_of(good.substr(0, 5)), "truncated"));
  CHECK_FALSE(sim::decode_schedule(good.substr(0, good.size() - 1), bound).ok());

  // One character changed anywhere but the last (whose low bits may be padding): checksum.
  for (std::size_t i = 3; i + 1 < good.size(); ++i) {
    std::string damaged = good;
    damaged[i] = damaged[i] == 'A' ? 'B' : 'A';
    CAPTURE(damaged);
    CHECK(contains(error_of(damaged), "checksum"));
  }
}

TEST_CASE("replaying a malformed token throws std::invalid_argument with the decoder's message") {
  CHECK_THROWS_AS(sim::replay(bank_race_2t, ""), std::invalid_argument);
  CHECK_THROWS_WITH_AS(sim::replay(bank_race_2t, "v9.AAAA"), doctest::Contains("version '9'"), std::invalid_argument);
  std::string token = bank_token();
  token[4] = token[4] == 'A' ? 'B' : 'A';
  CHECK_THROWS_WITH_AS(sim::replay(bank_race_2t, token), doctest::Contains("checksum"), std::invalid_argument);
  try {
    (void)sim::replay(bank_race_2t, "v2.#");
    FAIL("no exception");
  } catch (const std::invalid_argument& e) {
    CHECK(contains(e.what(), "unexpected character '#'"));
  }
}

TEST_CASE("a valid token that does not fit the body reports ReplayDivergence") {
  const std::string token = bank_token();

  SUBCASE("a body with fewer choices than the token") {
    auto lonely = [] {
      sim::Shared<int> x{0, "x"};
      x.store(1);
      sim::check(x.load() == 1);
    };
    sim::Report r = sim::replay(lonely, token);
    const sim::Failure* d = r.find(sim::FailureKind::ReplayDivergence);
    REQUIRE(d != nullptr);
    CHECK(contains(d->message, "replay diverged"));
    CHECK(d->token == token);
  }
  SUBCASE("an empty token on a body that must choose") {
    sim::Report r = sim::replay(bank_race_2t, sim::Schedule{}.encode());
    const sim::Failure* d = r.find(sim::FailureKind::ReplayDivergence);
    REQUIRE(d != nullptr);
    CHECK(contains(d->message, "no more choices"));
  }
  // Made-up schedules carry the body's own fingerprint, so that what is wrong is their choices.
  const std::uint16_t fingerprint = sim::decode_schedule(token, bound).schedule.fingerprint;
  SUBCASE("a token naming a task that does not exist") {
    sim::Report r = sim::replay(bank_race_2t, sim::Schedule{std::vector<sim::Choice>(6, task(7)), fingerprint}.encode());
    const sim::Failure* d = r.find(sim::FailureKind::ReplayDivergence);
    REQUIRE(d != nullptr);
    CHECK(contains(d->message, "task 7, which cannot run"));
  }
  SUBCASE("a token with a value where the body chooses a task") {
    sim::Report r = sim::replay(bank_race_2t, sim::Schedule{std::vector<sim::Choice>(6, value(0)), fingerprint}.encode());
    const sim::Failure* d = r.find(sim::FailureKind::ReplayDivergence);
    REQUIRE(d != nullptr);
    CHECK(contains(d->message, "value choice where the execution chooses a task"));
  }
  SUBCASE("a real token with extra choices appended") {
    sim::DecodedSchedule decoded = sim::decode_schedule(token, bound);
    REQUIRE(decoded.ok());
    sim::Schedule longer = decoded.schedule;
    longer.choices.insert(longer.choices.end(), 3, task(1));
    sim::Report r = sim::replay(bank_race_2t, longer.encode());
    const sim::Failure* d = r.find(sim::FailureKind::ReplayDivergence);
    REQUIRE(d != nullptr);
    CHECK(contains(d->message, "choices"));
  }
}

TEST_CASE("a token replays the same failure every time, and a body without choices replays the empty token") {
  const std::string token = bank_token();
  for (int i = 0; i < 3; ++i) {
    sim::Report r = sim::replay(bank_race_2t, token, {}, {.races = false});  // the assertion alone
    REQUIRE(r.failures.size() == 1);
    CHECK(r.failures.front().kind == sim::FailureKind::AssertionFailed);
  }
  sim::Report calm = sim::replay(
      [] {
        sim::Shared<int> x{1, "x"};
        sim::check(x.load() == 1);
      },
      sim::Schedule{}.encode());
  CHECK(calm.ok());
  CHECK(calm.executions == 1);
}

TEST_CASE("a version 1 token, from before tokens carried a fingerprint, is refused with a message saying so") {
  const std::string message = error_of("v1.gICAQAH-__8_P5E");
  CHECK(contains(message, "version 1 was written by an older interleave"));
  CHECK(contains(message, "run the search again"));
}

TEST_CASE("a 21-character token of 2^27 choices is refused at once, before any choice is stored") {
  // One run of 2^27 equal task choices: 5.2 GB and 18 s to expand before the bound came from the step limit.
  const std::uint64_t n = std::uint64_t{1} << 27;
  const std::string token = token_of_bytes(varint(n) + std::string(2, '\0') + varint((0 << 2) | 1) + varint(n - 2));
  CHECK(token.size() == 21);
  const std::string message = error_of(token, sim::max_choices_within(sim::ExecutionLimits{}.max_steps, sim::ExecutionLimits{}.max_tasks));
  CHECK(contains(message, "holds 134217728 choices, more than an execution within the step limit can make"));
  CHECK_THROWS_WITH_AS(sim::replay(bank_race_2t, token), doctest::Contains("within the step limit"), std::invalid_argument);
  // Within the bound it decodes, run and all.
  CHECK(sim::decode_schedule(token, n).schedule.choices.size() == n);
}

TEST_CASE("a run length that would wrap round past 2^64 is refused, not read as a short run") {
  // A count of 3, then runs whose stored length (length - 2) is 2^64 - 1 or 2^64 - 2: adding 2 wraps to 1 or 0.
  for (const std::uint64_t stored : {~std::uint64_t{0}, ~std::uint64_t{0} - 1}) {
    const std::string token = token_of_bytes(varint(3) + std::string(2, '\0') + varint(1) + varint(stored) + varint(0) + varint(0));
    CAPTURE(token);
    CHECK(contains(error_of(token), "a choice is out of range"));
  }
}

TEST_CASE("text echoed from a bad token shows control bytes escaped, and long text cut short") {
  CHECK(contains(error_of("v\x1b[31m.AAAA"), "version '\\x1b[31m'"));
  CHECK_FALSE(contains(error_of("v\x1b[31m.AAAA"), "\x1b"));
  CHECK(contains(error_of("v2.AA\x07" "AA"), "unexpected character '\\x07'"));
  CHECK(sim::printable(std::string(100, 'a')) == std::string(40, 'a') + "... (100 bytes)");
}

namespace {

// The bank race with other names: the same choices, other tasks.
void renamed_bank_race() {
  sim::Shared<int> balance{100, "balance"};
  auto withdraw = [&] {
    if (balance.load() >= 80) balance.store(balance.load() - 80);
  };
  sim::Thread carol(withdraw, "carol");
  sim::Thread dave(withdraw, "dave");
  carol.join();
  dave.join();
  sim::check(balance.load() >= 0, "balance went negative");
}

}  // namespace

TEST_CASE("a token recorded on one body is refused on another whose tasks differ, even where its choices fit") {
  const sim::Report found = sim::check_random(renamed_bank_race, {.iterations = 100, .seed = 1});
  const sim::Failure* f = found.find(sim::FailureKind::AssertionFailed);
  REQUIRE(f != nullptr);
  CHECK(sim::replay(renamed_bank_race, f->token).find(sim::FailureKind::ReplayDivergence) == nullptr);
  const sim::Report elsewhere = sim::replay(bank_race_2t, f->token);
  const sim::Failure* d = elsewhere.find(sim::FailureKind::ReplayDivergence);
  REQUIRE_MESSAGE(d != nullptr, sim::to_text(elsewhere));
  CHECK(contains(d->message, "the token was not recorded on this program"));
}
