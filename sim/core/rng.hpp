// Rng: a small, fast, seedable generator (SplitMix64) for strategies; never std::random_device.
#pragma once

#include <cstdint>

namespace sim {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, bound) by multiply-shift (Lemire), without a division.
  std::uint32_t below(std::uint32_t bound) {
    return static_cast<std::uint32_t>(((next() >> 32) * bound) >> 32);
  }
  // One well-mixed value from two, to derive independent streams.
  static std::uint64_t mix(std::uint64_t a, std::uint64_t b) {
    Rng r(a ^ (b * 0xD1B54A32D192ED03ull));
    r.next();
    return r.next();
  }

 private:
  std::uint64_t state_;
};

}  // namespace sim
