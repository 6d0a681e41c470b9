// SyncTable: the simulated state of the program's sync objects (mutexes, condition variables,
// futex words, ...) by address, for the current execution.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "interpose/address_map.hpp"
#include "interpose/context.hpp"

namespace interpose {

// State: default-constructible, with `void begin(sim::Execution&, const std::string& name, const void* address)`,
// which starts it afresh as a new object of the execution (`name` lasts as long as the process:
// see Context::name_for). Slots are pooled across executions;
// the first use of an address in an execution begins one, named after the address.
template <class State>
class SyncTable {
 public:
  State& at(sim::Execution& e, const void* address, std::uintptr_t pc) {
    if (epoch_ != e.epoch()) {
      epoch_ = e.epoch();
      index_.clear();
      used_ = 0;
    }
    const auto key = reinterpret_cast<std::uintptr_t>(address);
    std::uint32_t i = index_.find(key);
    if (i == AddressMap::missing) {
      const Busy busy;  // allocates
      i = static_cast<std::uint32_t>(used_++);
      if (i == pool_.size()) pool_.push_back(std::make_unique<State>());
      pool_[i]->begin(e, Context::here().name_for(e, key, pc), address);
      index_.insert(key, i);
    }
    return *pool_[i];
  }
  // The object is destroyed (pthread_*_destroy): a new one at the address starts afresh.
  void forget(const void* address) { index_.erase(reinterpret_cast<std::uintptr_t>(address)); }

 private:
  std::uint64_t epoch_ = 0;
  AddressMap index_;
  std::vector<std::unique_ptr<State>> pool_;
  std::size_t used_ = 0;
};

// One table per kind and OS thread.
template <class State>
SyncTable<State>& table() {
  static thread_local SyncTable<State> mine;
  return mine;
}

}  // namespace interpose
