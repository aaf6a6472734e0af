// Stopping on SIGINT and SIGTERM. SimGrid's engine is not safe to unwind from a signal handler
// (and its own SIGINT handler calls exit() mid-run, which crashed in its exit path), so the
// handler only records the signal; the commands poll it at safe points and throw Interrupted,
// whose unwinding removes every temporary file; main() exits with 128 + the signal (130, 143).
#pragma once

#include <csignal>
#include <exception>
#include <string>

namespace moesim {

class Interrupted : public std::exception {
 public:
  explicit Interrupted(int sig) : sig_(sig), text_(std::string("interrupted by ") + name(sig)) {}
  [[nodiscard]] int signal() const { return sig_; }
  [[nodiscard]] const char* what() const noexcept override { return text_.c_str(); }
  [[nodiscard]] static const char* name(int sig) { return sig == SIGINT ? "SIGINT" : "SIGTERM"; }

 private:
  int sig_;
  std::string text_;
};

// Installs the recording handler for SIGINT and SIGTERM (idempotent).
void install_stop_handlers();
// The first stop signal received, or 0.
[[nodiscard]] int stop_signal();
// Throws Interrupted when a stop signal was received.
void throw_if_interrupted();

// Holds SIGINT and SIGTERM pending while alive (a group of renames that must not be cut in two);
// a signal that arrived meanwhile is recorded when it ends.
class StopSignalsHeld {
 public:
  StopSignalsHeld();
  ~StopSignalsHeld();
  StopSignalsHeld(const StopSignalsHeld&) = delete;
  StopSignalsHeld& operator=(const StopSignalsHeld&) = delete;

 private:
  sigset_t old_{};
};

}  // namespace moesim
