#include "sim/engine_setup.hpp"

#include <signal.h>
#include <xbt/log.h>

namespace moesim {

std::unique_ptr<simgrid::s4u::Engine> make_engine() {
  int argc = 1;
  char name[] = "moesim";
  char* argv[] = {name, nullptr};
  xbt_log_control_set("root.thresh:critical");
  // SimGrid installs a SIGINT handler that calls exit() in the middle of a run, which crashed in
  // its exit path: the process keeps the handlers it had (the CLI records the signal and stops
  // at a safe point).
  struct sigaction old_int {}, old_term {};
  sigaction(SIGINT, nullptr, &old_int);
  sigaction(SIGTERM, nullptr, &old_term);
  auto engine = std::make_unique<simgrid::s4u::Engine>(&argc, argv);
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGTERM, &old_term, nullptr);
  simgrid::s4u::Engine::set_config("network/model:CM02");
  simgrid::s4u::Engine::set_config("network/crosstraffic:0");
  simgrid::s4u::Engine::set_config("network/TCP-gamma:0");
  return engine;
}

}  // namespace moesim
