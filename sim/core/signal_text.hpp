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

// Ends the process at once with `code`, from a signal handler. Neither _exit(2) nor anything
// declared [[noreturn]]: under AddressSanitizer a call to either first runs code that allocates
// (its leak check; __asan_handle_no_return, which reads /proc with getline), and the interrupted
// task may hold the allocator's lock, so a watchdog report hung for ever (1 run in 27 under ASan).
void end_process(int code);

}  // namespace sim::detail
