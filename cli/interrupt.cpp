#include "cli/interrupt.hpp"

#include <signal.h>

namespace moesim {
namespace {

volatile std::sig_atomic_t g_signal = 0;

extern "C" void record_stop(int sig) {
  if (g_signal == 0) g_signal = sig;
}

}  // namespace

void install_stop_handlers() {
  struct sigaction sa {};
  sa.sa_handler = record_stop;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: a blocking wait returns EINTR and the caller looks
  for (int sig : {SIGINT, SIGTERM}) {
    struct sigaction old {};
    sigaction(sig, nullptr, &old);
    // An ignored signal stays ignored (a command started in the background by a shell, nohup).
    if (old.sa_handler != SIG_IGN) sigaction(sig, &sa, nullptr);
  }
}

int stop_signal() { return g_signal; }

void throw_if_interrupted() {
  if (g_signal != 0) throw Interrupted(g_signal);
}

StopSignalsHeld::StopSignalsHeld() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigprocmask(SIG_BLOCK, &set, &old_);
}

StopSignalsHeld::~StopSignalsHeld() { sigprocmask(SIG_SETMASK, &old_, nullptr); }

}  // namespace moesim
