// VectorClock: the rare paths (clocks past the inline size) and the text form for tests.
#include "sim/core/vector_clock.hpp"

namespace sim {

void VectorClock::reserve(std::uint32_t n) {
  std::uint32_t capacity = capacity_;
  while (capacity < n) capacity *= 2;
  auto* data = new std::uint32_t[capacity]();
  std::copy(data_, data_ + size_, data);
  if (small()) {
    for (std::uint32_t& c : inline_) c = 0;  // kept zero for when the clock is inline again
  } else {
    delete[] data_;
  }
  data_ = data;
  capacity_ = capacity;
}

void VectorClock::join_large(const VectorClock& other) {
  // Past its size the other clock is 0: nothing to take from there.
  if (other.size_ > capacity_) reserve(other.size_);
  for (std::uint32_t i = 0; i < other.size_; ++i) data_[i] = std::max(data_[i], other.data_[i]);
  size_ = std::max(size_, other.size_);
}

void VectorClock::assign_large(const VectorClock& other) {
  if (other.size_ > capacity_) reserve(other.size_);
  for (std::uint32_t i = 0; i < other.size_; ++i) data_[i] = other.data_[i];
  for (std::uint32_t i = other.size_; i < size_; ++i) data_[i] = 0;  // keep the invariant
  size_ = other.size_;
}

void VectorClock::release() {
  if (small()) {
    for (std::uint32_t& c : inline_) c = 0;
  } else {
    delete[] data_;
  }
  data_ = inline_;
  capacity_ = inline_size;
  size_ = 0;
}

void VectorClock::take(VectorClock& other) {
  if (other.small()) {
    std::copy(other.inline_, other.inline_ + inline_size, inline_);
    for (std::uint32_t& c : other.inline_) c = 0;
  } else {
    data_ = other.data_;
    capacity_ = other.capacity_;
    other.data_ = other.inline_;
    other.capacity_ = inline_size;
  }
  size_ = other.size_;
  other.size_ = 0;
}

std::string VectorClock::to_string() const {
  std::string out = "[";
  for (std::uint32_t i = 0; i < size_; ++i) {
    if (i > 0) out += ' ';
    out += std::to_string(data_[i]);
  }
  return out + "]";
}

}  // namespace sim
