// Body: a type-erased callable kept inline in a reused task slot (no allocation for small lambdas).
#pragma once

#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

namespace sim {

class Body {
 public:
  Body() = default;
  Body(const Body&) = delete;
  Body& operator=(const Body&) = delete;
  ~Body() { reset(); }

  template <class F>
  void emplace(F&& f) {
    using Fn = std::decay_t<F>;
    reset();
    if constexpr (sizeof(Fn) <= sizeof(buf_) && alignof(Fn) <= alignof(std::max_align_t)) {
      obj_ = ::new (static_cast<void*>(buf_)) Fn(std::forward<F>(f));
      // Most lambdas capture references only: nothing to destroy, no call to make.
      if constexpr (std::is_trivially_destructible_v<Fn>) {
        drop_ = nullptr;
      } else {
        drop_ = [](void* p) { static_cast<Fn*>(p)->~Fn(); };
      }
    } else {
      obj_ = new Fn(std::forward<F>(f));
      drop_ = [](void* p) { delete static_cast<Fn*>(p); };
    }
    call_ = [](void* p) { (*static_cast<Fn*>(p))(); };
  }

  bool empty() const { return obj_ == nullptr; }
  void run() { call_(obj_); }
  void reset() {
    if (obj_ != nullptr) {
      void* p = obj_;
      obj_ = nullptr;
      if (drop_ != nullptr) drop_(p);
    }
  }

 private:
  alignas(std::max_align_t) unsigned char buf_[64];
  void* obj_ = nullptr;
  void (*call_)(void*) = nullptr;
  void (*drop_)(void*) = nullptr;
};

}  // namespace sim
