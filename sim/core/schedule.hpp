// Schedule: the choices one execution made, and its replay token.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sim {

// One choice: which task ran next, or which value a data choice took.
struct Choice {
  enum class Kind : std::uint8_t { Task, Value };
  Kind kind = Kind::Task;
  std::uint32_t value = 0;
  bool operator==(const Choice&) const = default;
};

// Where an encoder puts its text one character at a time (a string, or a signal-safe writer).
class CharSink {
 public:
  virtual void put(char c) = 0;

 protected:
  ~CharSink() = default;
};

struct Schedule {
  std::vector<Choice> choices;
  // What the schedule was recorded on (see schedule.cpp): checked by a replay at its first choice.
  std::uint16_t fingerprint = 0;
  // Recorded while the strategy kept states (Strategy::prunes): the front end then ran as it
  // runs to describe them (a scenario's interpreter tracks its positions, which changes its
  // frames, so how deep a recursion gets), and a cycle's token ends where the cycle closes. A
  // replay must run the same way: the token says so ("v2s.").
  bool states = false;
  // Recorded with the memory model off (Execution::memory: no checker kept happens-before):
  // every atomic ran sequentially consistently, and a replay must too ("v2c.", "v2sc.").
  bool sequential = false;

  std::string encode() const;
  // The same text, streamed: allocates nothing, so a signal handler may call it.
  void encode_to(CharSink& out) const;
  bool operator==(const Schedule&) const = default;
};

// Result of decoding a token: a schedule, or a message saying what is wrong with the text.
struct DecodedSchedule {
  Schedule schedule;
  std::string error;  // empty on success
  bool ok() const { return error.empty(); }
};
// The most choices one execution can make within a step limit (and a task limit): a token with
// more could never replay, so decoding refuses it before storing any.
std::uint64_t max_choices_within(std::uint64_t max_steps, std::uint64_t max_tasks);
// Tokens of more choices than `max_choices` are refused before any is stored; callers pass
// max_choices_within(the limits the replay runs with).
DecodedSchedule decode_schedule(std::string_view token, std::uint64_t max_choices);
// Text from outside (a token, a flag) made safe to echo: control and non-ASCII bytes as \xNN,
// long text cut short.
std::string printable(std::string_view text);

}  // namespace sim
