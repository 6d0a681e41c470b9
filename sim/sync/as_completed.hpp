// as_completed: a set of futures handed back in the order they complete, which varies by schedule.
//
//   for (sim::Future<int>& f : sim::as_completed(futures)) total += f.get();
//
// In a simulation the order is whatever the schedule made it; a body that assumes the order
// in which the work was submitted fails under some schedules. Waiting for the next one is a
// scheduling point (OpKind::WaitAny, ordering nothing: the get() that follows acquires).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "sim/sync/future.hpp"

namespace sim {

namespace detail {

// The untyped half: which futures completed, in order, and who waits for the next one.
class CompletionQueue {
 public:
  explicit CompletionQueue(Location created) : created_(created) {}
  ~CompletionQueue();
  CompletionQueue(const CompletionQueue&) = delete;
  CompletionQueue& operator=(const CompletionQueue&) = delete;

  // Call for every future first (`slots` known in advance), then start().
  void reserve(std::size_t n) { slots_.reserve(n); }
  void add(std::shared_ptr<FutureCore> f, std::size_t index);
  void start();
  // The index of the next future to complete; nullopt once every one was handed out.
  std::optional<std::size_t> next(Location where);

 private:
  struct Slot {
    CompletionQueue* queue;
    std::size_t index;
    std::shared_ptr<FutureCore> future;
  };
  static void completed(void* slot);
  void bind(Execution& e);

  detail::Binding binding_;
  std::string name_ = "as_completed";
  Location created_;
  std::vector<Slot> slots_;
  std::deque<std::size_t> done_;
  std::size_t remaining_ = 0;  // not yet handed out by next()
  WaitList waiters_;
  std::mutex mutex_;           // outside a simulation
  std::condition_variable completed_;
};

}  // namespace detail

template <class T>
class AsCompleted {
 public:
  AsCompleted(std::vector<Future<T>>& futures, Location created) : futures_(futures), queue_(created), where_(created) {
    queue_.reserve(futures.size());
    for (std::size_t i = 0; i < futures.size(); ++i) {
      if (futures[i].valid()) queue_.add(detail::FutureAccess<T>::core(futures[i]), i);
    }
    queue_.start();
  }

  // The next future to complete (waiting for it), or nullptr when all were handed out.
  Future<T>* next(Location where = Location::here()) {
    std::optional<std::size_t> i = queue_.next(where);
    return i ? &futures_[*i] : nullptr;
  }

  class iterator {
   public:
    using value_type = Future<T>;
    using difference_type = std::ptrdiff_t;
    iterator(AsCompleted* ac, Future<T>* at) : ac_(ac), at_(at) {}
    Future<T>& operator*() const { return *at_; }
    iterator& operator++() {
      at_ = ac_->next(ac_->where_);
      return *this;
    }
    void operator++(int) { ++*this; }
    bool operator==(std::default_sentinel_t) const { return at_ == nullptr; }

   private:
    AsCompleted* ac_;
    Future<T>* at_;
  };
  iterator begin() { return iterator(this, next(where_)); }
  std::default_sentinel_t end() const { return {}; }

 private:
  std::vector<Future<T>>& futures_;
  detail::CompletionQueue queue_;
  Location where_;
};

// The futures of `futures` (which must outlive the result) in completion order.
template <class T>
AsCompleted<T> as_completed(std::vector<Future<T>>& futures, Location created = Location::here()) {
  return AsCompleted<T>(futures, created);
}

}  // namespace sim
