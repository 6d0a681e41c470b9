// Test helper for the command's own tests: files read whole, scratch names, and the command
// started in the background and sent a signal once it handles it (INTERLEAVE_BIN names the command).
#pragma once

#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>
#include "text_support.hpp"

namespace cli_test {

inline std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A file name in the temporary directory, unique to this test process.
inline std::filesystem::path scratch(const std::string& name) {
  return std::filesystem::temp_directory_path() / ("interleave_" + std::to_string(::getpid()) + "_" + name);
}

// True once process `pid` catches `signal` (its SigCgt mask in /proc has the signal's bit set).
inline bool catches(pid_t pid, int signal) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("SigCgt:", 0) == 0) return (std::stoull(line.substr(7), nullptr, 16) & (1ull << (signal - 1))) != 0;
  }
  return false;
}

// A word for the shell, in single quotes.
inline std::string quoted(const std::string& word) {
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

struct Result {
  int status = -1;
  std::string out;
  std::string err;
};

// Runs the command with `args` (shell words) in the folder `dir`, its output kept.
inline Result run_in(const std::string& dir, const std::string& args) {
  const std::filesystem::path out = scratch("cmd.out"), err = scratch("cmd.err");
  const std::string command = "cd " + quoted(dir) + " && " + quoted(INTERLEAVE_BIN) + " " + args + " >" + quoted(out) + " 2>" + quoted(err);
  const int raw = std::system(command.c_str());
  Result r{WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, slurp(out), slurp(err)};
  std::filesystem::remove(out);
  std::filesystem::remove(err);
  return r;
}

struct Signalled {
  int status = -1;  // the exit status, or 128 + the signal that killed it
  bool exited = false;
  std::string out;
  std::string err;
};

// Starts the command with `args`, sends `signal` once it catches it and has run for `after`
// (time for the search to find something), and waits for it.
inline Signalled signal_during(int signal, const std::vector<std::string>& args, std::chrono::milliseconds after) {
  const std::filesystem::path out = scratch("signalled.out"), err = scratch("signalled.err");
  std::fflush(nullptr);  // else the child's copy of doctest's buffered output is written twice
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    if (!std::freopen(out.c_str(), "w", stdout) || !std::freopen(err.c_str(), "w", stderr)) ::_exit(127);
    std::vector<char*> argv{const_cast<char*>(INTERLEAVE_BIN)};
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(INTERLEAVE_BIN, argv.data());
    ::_exit(127);
  }
  // Polling for the handler is the only wait that matters; the pause after it lets the search find something.
  for (int i = 0; i < 6000 && !catches(pid, signal); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  std::this_thread::sleep_for(after);
  ::kill(pid, signal);
  int raw = 0;
  ::waitpid(pid, &raw, 0);
  Signalled s{.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw), .exited = WIFEXITED(raw), .out = slurp(out), .err = slurp(err)};
  std::filesystem::remove(out);
  std::filesystem::remove(err);
  return s;
}

}  // namespace cli_test
