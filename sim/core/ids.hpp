// Strong identifiers and source locations shared by every layer.
#pragma once

#include <cstdint>
#include <limits>
#include <string>

namespace sim {

// Strong integer types: a TaskId can't be passed where an ObjectId is expected.
enum class TaskId : std::uint32_t {};
enum class ObjectId : std::uint32_t {};
enum class StepIndex : std::uint32_t {};

inline constexpr TaskId no_task{std::numeric_limits<std::uint32_t>::max()};
inline constexpr ObjectId no_object{std::numeric_limits<std::uint32_t>::max()};

constexpr std::uint32_t index(TaskId t) { return static_cast<std::uint32_t>(t); }
constexpr std::uint32_t index(ObjectId o) { return static_cast<std::uint32_t>(o); }
constexpr std::uint32_t index(StepIndex s) { return static_cast<std::uint32_t>(s); }

// Where an operation was written. Built from compiler builtins (g++ and clang both have them),
// so one code path serves compilers with and without std::source_location.
struct Location {
  const char* file = "";
  std::uint32_t line = 0;

  static constexpr Location here(const char* file = __builtin_FILE(),
                                 std::uint32_t line = __builtin_LINE()) {
    return Location{file, line};
  }
  bool operator==(const Location& o) const;  // compares file text, not pointers
};
// "file:line", with leading "./" and "../" dropped; file strings must outlive every report.
std::string to_string(Location where);
// As to_string, plus " (in function)" when a front end knows the function the place lies in
// (the std front end reads it from the program's debug information).
std::string describe(Location where);
// How such a front end tells: the function `where` lies in, or null. Set once, before use.
void set_function_lookup(const char* (*lookup)(Location where));

}  // namespace sim
