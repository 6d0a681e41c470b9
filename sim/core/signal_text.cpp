// SignalText: fixed-buffer formatting and write(2), for reports made inside signal handlers.
#include "sim/core/signal_text.hpp"

#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

namespace sim::detail {

SignalText::SignalText(int fd) : fd_(fd) {}

void SignalText::put(char c) {
  if (used_ == sizeof buffer_) flush();
  buffer_[used_++] = c;
}

SignalText& SignalText::text(std::string_view s) {
  for (char c : s) put(c);
  return *this;
}

SignalText& SignalText::number(std::uint64_t n) {
  char digits[20];
  std::size_t k = 0;
  do {
    digits[k++] = static_cast<char>('0' + n % 10);
    n /= 10;
  } while (n != 0);
  while (k > 0) put(digits[--k]);
  return *this;
}

SignalText& SignalText::seconds(double s) {
  const auto millis = static_cast<std::uint64_t>(s * 1000 + 0.5);
  number(millis / 1000);
  std::uint64_t fraction = millis % 1000;
  if (fraction == 0) return *this;
  put('.');
  for (std::uint64_t digit = 100; fraction != 0; digit /= 10) {
    put(static_cast<char>('0' + fraction / digit));
    fraction %= digit;
  }
  return *this;
}

SignalText& SignalText::place(Location where) {
  std::string_view file = where.file == nullptr ? std::string_view() : std::string_view(where.file);
  for (bool more = true; more;) {
    more = file.starts_with("./") || file.starts_with("../");
    if (more) file.remove_prefix(file[1] == '/' ? 2 : 3);
  }
  if (file.empty()) return text("?");
  text(file);
  put(':');
  return number(where.line);
}

SignalText& SignalText::token(const Schedule& schedule) {
  schedule.encode_to(*this);
  return *this;
}

void SignalText::flush() {
  const char* p = buffer_;
  std::size_t left = used_;
  used_ = 0;
  while (left > 0) {
    const ssize_t n = ::write(fd_, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // nowhere to report to: the exit code still says what happened
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

void end_process(int code) {
  for (;;) ::syscall(SYS_exit_group, code);
}

}  // namespace sim::detail
