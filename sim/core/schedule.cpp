// Schedule codec: the replay token.
//
// Token format, version 2:  "v2." followed by base64url (A-Z a-z 0-9 - _, no padding) of
//   varint  number of choices
//   2 bytes fingerprint of what the token was recorded on, little-endian (below)
//   runs    for each run of equal consecutive choices:
//             varint  (code << 1) | (run longer than one), code = (value << 1) | is_value_choice
//             varint  run length - 2, present only for runs longer than one
//   2 bytes checksum: FNV-1a over everything before it, folded to 16 bits, little-endian
// Varints are LEB128 (7 bits a byte, low first). A task choice stores the task's id, a value
// choice the value. Long single-task stretches compress to one run; a typical token for a
// two-thread bug is 10-18 characters.
// The fingerprint is the execution's, folded to 16 bits, as it stood when the first choice was
// made (Execution::fingerprint): a hash of the tasks created so far (each one's name and
// parent, in order) and of what the front end says it runs (a scenario's tokens, comments and
// layout left out). A replay checks it at the first choice, so a token from another body or
// scenario is refused as such, before its choices could happen to fit (one in 65,536 slips by).
// A schedule recorded while the strategy kept states (Schedule::states) is written "v2s." with
// the same bytes, its checksum begun with an 's' so that neither prefix passes for the other; one
// recorded with sequentially consistent atomics (Schedule::sequential) adds a 'c' ("v2c.",
// "v2sc."), folded into the checksum the same way.
// Version 1 (the same without the fingerprint) is refused with a message saying so. Decoding
// refuses a count above its bound (the step limit's worth, Schedule::max_choices) before it
// stores a single choice. A newer format must use a new version number.
#include "sim/core/schedule.hpp"

#include <algorithm>
#include <cstdint>

namespace sim {

namespace {

constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

constexpr std::uint32_t fnv_basis = 2166136261u;
constexpr std::uint32_t fnv_step(std::uint32_t h, unsigned char b) { return (h ^ b) * 16777619u; }
constexpr std::uint16_t fold(std::uint32_t h) { return static_cast<std::uint16_t>(h ^ (h >> 16)); }

// The letters after the version number: how the schedule was recorded.
std::string_view flags(bool states, bool sequential) {
  if (states) return sequential ? "sc" : "s";
  return sequential ? "c" : "";
}

std::uint32_t checksum_basis(std::string_view flag_letters) {
  std::uint32_t h = fnv_basis;
  for (char c : flag_letters) h = fnv_step(h, static_cast<unsigned char>(c));
  return h;
}

std::uint16_t checksum(std::string_view bytes, std::string_view flag_letters) {
  std::uint32_t h = checksum_basis(flag_letters);
  for (char c : bytes) h = fnv_step(h, static_cast<unsigned char>(c));
  return fold(h);
}

std::uint64_t code_of(const Choice& c) {
  return (std::uint64_t{c.value} << 1) | (c.kind == Choice::Kind::Value ? 1 : 0);
}

struct Reader {
  std::string_view bytes;
  std::size_t at = 0;
  bool get(std::uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (at >= bytes.size()) return false;
      const auto b = static_cast<unsigned char>(bytes[at++]);
      v |= std::uint64_t{b & 0x7Fu} << shift;
      if ((b & 0x80) == 0) return true;
    }
    return false;
  }
};

// The token's bytes before base64, handed one at a time to `put` (two passes need them twice:
// the checksum first, then the text), so encoding never materialises them.
template <class Put>
void for_each_byte(const std::vector<Choice>& choices, std::uint16_t fingerprint, Put&& put) {
  auto varint = [&](std::uint64_t v) {
    while (v >= 0x80) {
      put(static_cast<unsigned char>((v & 0x7F) | 0x80));
      v >>= 7;
    }
    put(static_cast<unsigned char>(v));
  };
  varint(choices.size());
  put(static_cast<unsigned char>(fingerprint & 0xFF));
  put(static_cast<unsigned char>(fingerprint >> 8));
  for (std::size_t i = 0; i < choices.size();) {
    std::size_t j = i + 1;
    while (j < choices.size() && choices[j] == choices[i]) ++j;
    const std::uint64_t run = j - i;
    varint((code_of(choices[i]) << 1) | (run > 1 ? 1 : 0));
    if (run > 1) varint(run - 2);
    i = j;
  }
}

}  // namespace

void Schedule::encode_to(CharSink& out) const {
  const std::string_view letters = flags(states, sequential);
  std::uint32_t hash = checksum_basis(letters);
  for_each_byte(choices, fingerprint, [&](unsigned char b) { hash = fnv_step(hash, b); });
  const std::uint16_t sum = fold(hash);
  out.put('v');
  out.put('2');
  for (char c : letters) out.put(c);
  out.put('.');
  std::uint32_t acc = 0;
  int bits = 0;
  auto base64 = [&](unsigned char b) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.put(alphabet[(acc >> bits) & 0x3F]);
    }
  };
  for_each_byte(choices, fingerprint, base64);
  base64(static_cast<unsigned char>(sum & 0xFF));
  base64(static_cast<unsigned char>(sum >> 8));
  if (bits > 0) out.put(alphabet[(acc << (6 - bits)) & 0x3F]);
}

std::string Schedule::encode() const {
  struct Text final : CharSink {
    std::string text;
    void put(char c) override { text.push_back(c); }
  } out;
  encode_to(out);
  return std::move(out.text);
}

std::string printable(std::string_view text) {
  constexpr std::size_t shown = 40;
  std::string out;
  for (std::size_t i = 0; i < text.size() && i < shown; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7F && c != '\\') {
      out += static_cast<char>(c);
    } else {
      constexpr std::string_view hex = "0123456789abcdef";
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  if (text.size() > shown) out += "... (" + std::to_string(text.size()) + " bytes)";
  return out;
}

std::uint64_t max_choices_within(std::uint64_t max_steps, std::uint64_t max_tasks) {
  // A step makes at most one task choice and a few value choices; a task's end may make one more.
  return 4 * max_steps + max_tasks + 16;
}

namespace {

// The base64 text back to bytes, or an error message.
std::string unbase64(std::string_view text, std::size_t offset, std::string& bytes) {
  std::uint32_t acc = 0;
  int bits = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const std::size_t v = alphabet.find(text[i]);
    if (v == std::string_view::npos) {
      return "unexpected character '" + printable(text.substr(i, 1)) + "' at position " + std::to_string(offset + i + 1) +
             " of the replay token: tokens use only A-Z a-z 0-9 - _";
    }
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  // Every token text has exactly one spelling: no left-over character, no stray low bits.
  if (text.size() % 4 == 1 || (acc & ((1u << bits) - 1)) != 0) {
    return "replay token is damaged (its last character is not one an encoder writes): copy it whole";
  }
  return {};
}

// The choices after the count and the fingerprint, run by run, into `out`; or an error message.
std::string expand_runs(Reader& in, std::uint64_t count, std::vector<Choice>& out) {
  // Runs expand, so the count may be far above the bytes read; grow with what is really there.
  out.reserve(std::min<std::uint64_t>(count, in.bytes.size()));
  while (out.size() < count) {
    std::uint64_t head = 0, extra = 0;
    if (!in.get(head)) return "replay token is truncated: copy it whole";
    if ((head & 1) != 0 && !in.get(extra)) return "replay token is truncated: copy it whole";
    const std::uint64_t code = head >> 1;
    // Compared before adding 2, which could wrap a length near 2^64 round to a small one.
    const std::uint64_t left = count - out.size();
    if ((code >> 1) > 0xFFFFFFFFull || ((head & 1) != 0 && (extra > left || extra + 2 > left))) {
      return "replay token is damaged: a choice is out of range";
    }
    const std::uint64_t run = (head & 1) != 0 ? extra + 2 : 1;
    const Choice c{(code & 1) != 0 ? Choice::Kind::Value : Choice::Kind::Task, static_cast<std::uint32_t>(code >> 1)};
    out.insert(out.end(), run, c);
  }
  if (in.at != in.bytes.size()) return "replay token is damaged: extra data after the last choice";
  return {};
}

}  // namespace

DecodedSchedule decode_schedule(std::string_view token, std::uint64_t max_choices) {
  DecodedSchedule result;
  auto fail = [&](std::string message) {
    result.schedule = Schedule{};
    result.error = std::move(message);
    return result;
  };
  if (token.empty()) return fail("empty replay token: expected text like 'v2.AQIDBA' as printed with a failure");
  const std::size_t dot = token.find('.');
  if (token[0] != 'v' || dot == std::string_view::npos || dot > 12) {
    return fail("not an interleave replay token: expected it to start with 'v2.'");
  }
  const std::string_view version = token.substr(1, dot - 1);
  if (version == "1") {
    return fail("replay token version 1 was written by an older interleave, before tokens carried a fingerprint of "
                "what they were recorded on; this one reads version 2: run the search again for a new token");
  }
  const bool states = version == "2s" || version == "2sc";
  const bool sequential = version == "2c" || version == "2sc";
  if (version != "2" && !states && !sequential) {
    return fail("replay token version '" + printable(version) + "' is not one this interleave reads (it reads version 2)");
  }
  const std::string_view text = token.substr(dot + 1);
  // No encoder writes more than 16 characters a choice.
  if (text.size() / 16 > max_choices + 1) return fail("replay token is too long: more choices than the limit of " + std::to_string(max_choices));

  std::string bytes;
  if (std::string error = unbase64(text, dot + 1, bytes); !error.empty()) return fail(std::move(error));
  if (bytes.size() < 5) return fail("replay token is truncated: copy it whole");
  std::string_view body(bytes.data(), bytes.size() - 2);
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(bytes[i]); };
  const auto stored = static_cast<std::uint16_t>(byte(bytes.size() - 2) | (byte(bytes.size() - 1) << 8));
  if (checksum(body, version.substr(1)) != stored) return fail("replay token is damaged (its checksum does not match): copy it whole");

  Reader in{body};
  std::uint64_t count = 0;
  if (!in.get(count)) return fail("replay token is damaged: bad choice count");
  if (count > max_choices) {
    return fail("replay token holds " + std::to_string(count) + " choices, more than an execution within the step limit can make (" +
                std::to_string(max_choices) + "): was it recorded with a higher one?");
  }
  if (in.at + 2 > body.size()) return fail("replay token is truncated: copy it whole");
  result.schedule.fingerprint = static_cast<std::uint16_t>(byte(in.at) | (byte(in.at + 1) << 8));
  result.schedule.states = states;
  result.schedule.sequential = sequential;
  in.at += 2;
  if (std::string error = expand_runs(in, count, result.schedule.choices); !error.empty()) return fail(std::move(error));
  return result;
}

}  // namespace sim
