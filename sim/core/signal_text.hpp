// SignalText: a report assembled in a fixed buffer and written with write(2), safe in a signal handler.
//
// Why: the watchdog and the fault handler report from a signal handler that may have interrupted
// the task inside malloc, holding the allocator's lock; a std::string built there deadlocks the
// process (issue 23, item 1). Nothing here allocates, locks or calls stdio: text goes into a
// fixed buffer that is written out with write(2) whenever it fills, and the replay token is
// streamed from the schedule (Schedule::encode_to) rather than built as a string.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sim/core/ids.hpp"
#include "sim/core/schedule.hpp"

namespace sim::detail {

class SignalText final : public CharSink {
 public:
  explicit SignalText(int fd);
  ~SignalText() { flush(); }
  SignalText(const SignalText&) = delete;
  SignalText& operator=(const SignalText&) = delete;

  SignalText& text(std::string_view s);
  SignalText& number(std::uint64_t n);
  SignalText& seconds(double s);        // "0.25", "3": up to three decimals
  SignalText& place(Location where);    // as to_string(Location) writes it
  SignalText& token(const Schedule& schedule);
  void put(char c) override;
  void flush();

 private:
  int fd_;
  std::size_t used_ = 0;
  char buffer_[512];
};

}  // namespace sim::detail
