// PortfolioStrategy: which member runs which execution.
#include "sim/explore/portfolio_strategy.hpp"

#include "sim/explore/pos_strategy.hpp"

namespace sim {

PortfolioStrategy::PortfolioStrategy(std::uint64_t seed, std::uint32_t max_depth) {
  for (std::uint32_t d = 1; d <= (max_depth < 1 ? 1 : max_depth); ++d) {
    members_.push_back(std::make_unique<PctStrategy>(seed, d, &estimate_));
  }
  members_.push_back(std::make_unique<IndexedRandom>(seed));
  members_.push_back(std::make_unique<PosStrategy>(seed));
  member_ = members_.front().get();
}

void PortfolioStrategy::start(std::uint64_t index) {
  member_ = members_[index % members_.size()].get();
  member_->start(index);
}

}  // namespace sim
