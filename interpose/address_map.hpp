// AddressMap: an open-addressing hash map from addresses to small indices, emptied in O(1).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace interpose {

// Linear probing with backward-shift deletion (no tombstones). Each slot carries the
// generation it was written in, so clear() only bumps the generation: the std front end
// empties its tables at the start of every execution.
class AddressMap {
 public:
  static constexpr std::uint32_t missing = ~0u;

  AddressMap() { resize(64); }

  std::uint32_t find(std::uintptr_t key) const {
    for (std::size_t i = home(key);; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.gen != gen_) return missing;
      if (s.key == key) return s.value;
    }
  }
  void insert(std::uintptr_t key, std::uint32_t value);
  void erase(std::uintptr_t key);
  // Erases every key in [begin, end): by probing each address when the range is small, else by
  // scanning the table.
  void erase_range(std::uintptr_t begin, std::uintptr_t end);
  void clear() {
    if (++gen_ == 0) {  // wrapped: forget every slot for real
      for (Slot& s : slots_) s.gen = 0;
      gen_ = 1;
    }
    size_ = 0;
  }
  std::size_t size() const { return size_; }

 private:
  struct Slot {
    std::uintptr_t key = 0;
    std::uint32_t value = 0;
    std::uint32_t gen = 0;
  };
  std::size_t home(std::uintptr_t key) const {
    return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> shift_) & mask_;
  }
  void resize(std::size_t capacity);

  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  unsigned shift_ = 0;
  std::size_t size_ = 0;
  std::uint32_t gen_ = 1;
  std::vector<std::uintptr_t> doomed_;  // erase_range's scratch (a hook must not allocate each time)
};

}  // namespace interpose
