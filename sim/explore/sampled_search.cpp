// SampledSearch: walking the owned blocks of indices in order.
#include "sim/explore/sampled_search.hpp"

namespace sim {

bool SampledSearch::begin_execution() {
  std::uint64_t at = next_;
  // Skip whole blocks owned by other slices: a block runs in order on one job, so PCT's
  // estimate of the execution length, learnt within the block, never depends on the slicing.
  while (at < limit_ && !slice_.owns(at / sample_block)) at = (at / sample_block + 1) * sample_block;
  if (at >= limit_) return false;
  index_ = at;
  next_ = at + 1;
  member_->start(at);
  at_unit(at / sample_block, true);
  choose_with(member_->chooser());
  return true;
}

double SampledSearch::progress() const {
  if (limit_ == 0 || limit_ == ~std::uint64_t{0}) return 0;
  return static_cast<double>(next_) / static_cast<double>(limit_);
}

}  // namespace sim
