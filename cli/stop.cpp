// SIGTERM and SIGHUP routed to the search's Ctrl-C flag, so all three stop a search one way.
#include "cli/stop.hpp"

#include <signal.h>

#include <atomic>

namespace cli {

namespace {

std::atomic<int> g_signal{0};  // the first stop signal; SIGINT is seen through sim's flag
struct sigaction g_previous_term {};
struct sigaction g_previous_hup {};

// sim::SigintStop owns the flag the searches read, and its handler sets it: raising SIGINT (which
// is async-signal-safe) reaches that handler. Once SIGINT has come, its handler is the default
// again, so the raise ends the process, as a second Ctrl-C does.
extern "C" void on_stop_signal(int signal) {
  int none = 0;
  g_signal.compare_exchange_strong(none, signal, std::memory_order_relaxed);
  ::raise(SIGINT);
}

void install(int signal, struct sigaction& previous) {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  action.sa_flags = SA_RESETHAND;  // a second one ends the process, should the search not stop
  sigemptyset(&action.sa_mask);
  sigaction(signal, &action, &previous);
}

}  // namespace

StopOnSignals::StopOnSignals() {
  g_signal.store(0);
  install(SIGTERM, g_previous_term);
  install(SIGHUP, g_previous_hup);
}

StopOnSignals::~StopOnSignals() {
  sigaction(SIGTERM, &g_previous_term, nullptr);
  sigaction(SIGHUP, &g_previous_hup, nullptr);
}

bool stopped() { return sim::SigintStop::flag().load(); }

int stop_signal() {
  if (const int signal = g_signal.load(); signal != 0) return signal;
  return stopped() ? SIGINT : 0;
}

namespace {

// The stop signals and the names reports give them, both ways from one table.
struct Named {
  int signal;
  const char* name;
};
constexpr Named stop_signals[] = {{SIGINT, "SIGINT"}, {SIGTERM, "SIGTERM"}, {SIGHUP, "SIGHUP"}};

}  // namespace

const char* stop_signal_name() {
  const int signal = stop_signal();
  for (const Named& s : stop_signals) {
    if (s.signal == signal) return s.name;
  }
  return "";
}

int stop_signal_named(std::string_view name) {
  for (const Named& s : stop_signals) {
    if (s.name == name) return s.signal;
  }
  return 0;
}

}  // namespace cli
