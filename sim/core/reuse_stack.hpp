// ReuseStack: a stack whose popped elements stay allocated, so pushing again reuses their buffers.
//
// DPOR pushes and pops dozens of choice nodes per execution, each holding several vectors;
// destroying and rebuilding them was a large share of its time. T::reset() must return an
// element to its freshly constructed state while keeping its storage.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace sim {

template <class T>
class ReuseStack {
 public:
  T& emplace_back() {
    if (size_ == items_.size()) items_.emplace_back();
    T& t = items_[size_++];
    t.reset();
    return t;
  }
  // Pushes `t`'s content, leaving `t` with the storage of the element it takes the place of.
  T& push_swap(T& t) {
    if (size_ == items_.size()) items_.emplace_back();
    T& slot = items_[size_++];
    std::swap(slot, t);
    return slot;
  }
  void pop_back() { --size_; }
  // Shrinking keeps the elements past `n` for reuse; growing pushes fresh ones.
  void resize(std::size_t n) {
    while (size_ < n) emplace_back();
    size_ = n;
  }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T& operator[](std::size_t i) { return items_[i]; }
  const T& operator[](std::size_t i) const { return items_[i]; }
  T& back() { return items_[size_ - 1]; }
  T* data() { return items_.data(); }
  const T* begin() const { return items_.data(); }
  const T* end() const { return items_.data() + size_; }

 private:
  std::vector<T> items_;
  std::size_t size_ = 0;
};

}  // namespace sim
