// Schedule codec: the replay token.
//
// Token format, version 1:  "v1." followed by base64url (A-Z a-z 0-9 - _, no padding) of
//   varint  number of choices
//   runs    for each run of equal consecutive choices:
//             varint  (code << 1) | (run longer than one), code = (value << 1) | is_value_choice
//             varint  run length - 2, present only for runs longer than one
//   2 bytes checksum: FNV-1a over everything before it, folded to 16 bits, little-endian
// Varints are LEB128 (7 bits a byte, low first). A task choice stores the task's id, a value
// choice the value. Long single-task stretches compress to one run; a typical token for a
// two-thread bug is 8-16 characters. A newer format must use a new version number.
#include "sim/core/schedule.hpp"

#include <algorithm>
#include <cstdint>

namespace sim {

namespace {

constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::string_view prefix = "v1.";

void put_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

std::uint16_t checksum(std::string_view bytes) {
  std::uint32_t h = 2166136261u;
  for (char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 16777619u;
  }
  return static_cast<std::uint16_t>(h ^ (h >> 16));
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

}  // namespace

std::string Schedule::encode() const {
  std::string bytes;
  put_varint(bytes, choices.size());
  for (std::size_t i = 0; i < choices.size();) {
    std::size_t j = i + 1;
    while (j < choices.size() && choices[j] == choices[i]) ++j;
    const std::uint64_t run = j - i;
    put_varint(bytes, (code_of(choices[i]) << 1) | (run > 1 ? 1 : 0));
    if (run > 1) put_varint(bytes, run - 2);
    i = j;
  }
  const std::uint16_t sum = checksum(bytes);
  bytes.push_back(static_cast<char>(sum & 0xFF));
  bytes.push_back(static_cast<char>(sum >> 8));

  std::string out(prefix);
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : bytes) {
    acc = (acc << 8) | static_cast<unsigned char>(c);
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(alphabet[(acc >> bits) & 0x3F]);
    }
  }
  if (bits > 0) out.push_back(alphabet[(acc << (6 - bits)) & 0x3F]);
  return out;
}

DecodedSchedule decode_schedule(std::string_view token, std::uint64_t max_choices) {
  DecodedSchedule result;
  auto fail = [&](std::string message) {
    result.schedule.choices.clear();
    result.error = std::move(message);
    return result;
  };
  if (token.empty()) return fail("empty replay token: expected text like 'v1.AQIDBA' as printed with a failure");
  if (token.size() < 2 || token[0] != 'v') {
    return fail("not an interleave replay token: expected it to start with 'v1.'");
  }
  const std::size_t dot = token.find('.');
  if (dot == std::string_view::npos) return fail("not an interleave replay token: expected 'v<version>.' before the data");
  std::string_view version = token.substr(1, dot - 1);
  if (version != "1") {
    return fail("replay token version '" + std::string(version) + "' is not one this interleave reads (it reads version 1)");
  }
  std::string_view text = token.substr(dot + 1);
  if (text.size() > default_max_choices / 2) return fail("replay token is too long");

  std::string bytes;
  std::uint32_t acc = 0;
  int bits = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const std::size_t v = alphabet.find(text[i]);
    if (v == std::string_view::npos) {
      return fail("unexpected character '" + std::string(1, text[i]) + "' at position " +
                  std::to_string(dot + 2 + i) + " of the replay token: tokens use only A-Z a-z 0-9 - _");
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
    return fail("replay token is damaged (its last character is not one an encoder writes): copy it whole");
  }
  if (bytes.size() < 3) return fail("replay token is truncated: copy it whole");
  std::string_view body(bytes.data(), bytes.size() - 2);
  const std::uint16_t stored = static_cast<std::uint16_t>(static_cast<unsigned char>(bytes[bytes.size() - 2]) |
                                                          (static_cast<unsigned char>(bytes[bytes.size() - 1]) << 8));
  if (checksum(body) != stored) return fail("replay token is damaged (its checksum does not match): copy it whole");

  Reader in{body};
  std::uint64_t count = 0;
  if (!in.get(count)) return fail("replay token is damaged: bad choice count");
  if (count > max_choices) {
    return fail("replay token holds " + std::to_string(count) + " choices, more than the limit of " + std::to_string(max_choices));
  }
  std::vector<Choice>& out = result.schedule.choices;
  // Runs expand, so the count may be far above the bytes read; grow with what is really there.
  out.reserve(std::min<std::uint64_t>(count, body.size()));
  while (out.size() < count) {
    std::uint64_t head = 0, extra = 0;
    if (!in.get(head)) return fail("replay token is truncated: copy it whole");
    if ((head & 1) != 0 && !in.get(extra)) return fail("replay token is truncated: copy it whole");
    const std::uint64_t code = head >> 1;
    const std::uint64_t run = (head & 1) != 0 ? extra + 2 : 1;
    if ((code >> 1) > 0xFFFFFFFFull || run > count - out.size()) return fail("replay token is damaged: a choice is out of range");
    const Choice c{(code & 1) != 0 ? Choice::Kind::Value : Choice::Kind::Task, static_cast<std::uint32_t>(code >> 1)};
    out.insert(out.end(), run, c);
  }
  if (in.at != body.size()) return fail("replay token is damaged: extra data after the last choice");
  return result;
}

}  // namespace sim
