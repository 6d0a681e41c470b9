// AddressMap: insertion with growth, and deletion that keeps every probe sequence unbroken.
#include "interpose/address_map.hpp"

#include <bit>

namespace interpose {

void AddressMap::resize(std::size_t capacity) {
  std::vector<Slot> old;
  old.swap(slots_);
  const std::uint32_t old_gen = gen_;
  slots_.assign(capacity, Slot{});
  mask_ = capacity - 1;
  shift_ = 64 - static_cast<unsigned>(std::countr_zero(capacity));
  gen_ = 1;
  size_ = 0;
  for (const Slot& s : old) {
    if (s.gen == old_gen) insert(s.key, s.value);
  }
}

void AddressMap::insert(std::uintptr_t key, std::uint32_t value) {
  if ((size_ + 1) * 2 > slots_.size()) resize(slots_.size() * 2);
  for (std::size_t i = home(key);; i = (i + 1) & mask_) {
    Slot& s = slots_[i];
    if (s.gen != gen_) {
      s = Slot{key, value, gen_};
      ++size_;
      return;
    }
    if (s.key == key) {
      s.value = value;
      return;
    }
  }
}

void AddressMap::erase(std::uintptr_t key) {
  std::size_t i = home(key);
  while (true) {
    const Slot& s = slots_[i];
    if (s.gen != gen_) return;
    if (s.key == key) break;
    i = (i + 1) & mask_;
  }
  // Shift back every later entry of the run that may move into the hole.
  for (std::size_t j = (i + 1) & mask_;; j = (j + 1) & mask_) {
    Slot& s = slots_[j];
    if (s.gen != gen_) break;
    const std::size_t h = home(s.key);
    // The entry at j may fill the hole at i unless its home lies cyclically in (i, j].
    const bool stays = i <= j ? (i < h && h <= j) : (i < h || h <= j);
    if (stays) continue;
    slots_[i] = s;
    i = j;
  }
  slots_[i].gen = gen_ - 1;  // empty (gen_ >= 1, and gen_ - 1 is never the live generation)
  --size_;
}

void AddressMap::erase_range(std::uintptr_t begin, std::uintptr_t end) {
  if (size_ == 0 || end <= begin) return;
  // A probe of an absent address costs about as much as a look at six slots (callgrind): a
  // freed block of a few dozen bytes is cheaper to find by one pass over a small table.
  if ((end - begin) * 6 <= slots_.size()) {
    for (std::uintptr_t a = begin; a < end; ++a) erase(a);
    return;
  }
  doomed_.clear();
  for (const Slot& s : slots_) {
    if (s.gen == gen_ && s.key >= begin && s.key < end) doomed_.push_back(s.key);
  }
  for (std::uintptr_t k : doomed_) erase(k);
}

}  // namespace interpose
