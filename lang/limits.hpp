// Load limits: how big and how deeply nested a scenario file may be (flags of run, check, replay).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace lang {

struct LoadLimits {
  // Bytes of a scenario file; a larger one is refused before it is read.
  std::size_t max_file_size = 16 * 1024 * 1024;
  // Levels of nested blocks, and of operators in one expression (evaluation recurses that deep).
  // Parentheses, 'not' and '-' nest at most twice this deep, with the blocks around them.
  std::uint32_t max_nesting = 100;
  // Threads a scenario declares, thread arrays counted element by element (not counting main).
  std::uint32_t max_threads = 1000;
  // Elements of every shared variable, atomic and object array together (a scalar counts one):
  // each execution builds all of them, so a few lines of text could otherwise ask for gigabytes.
  std::uint64_t max_elements = std::uint64_t{1} << 20;
};

// "16 MiB", "1500 bytes": a size as the refusal states it.
std::string describe_size(std::size_t bytes);

}  // namespace lang
