#include "sim/engine_setup.hpp"

#include <xbt/log.h>

namespace moesim {

std::unique_ptr<simgrid::s4u::Engine> make_engine() {
  int argc = 1;
  char name[] = "moesim";
  char* argv[] = {name, nullptr};
  xbt_log_control_set("root.thresh:critical");
  auto engine = std::make_unique<simgrid::s4u::Engine>(&argc, argv);
  simgrid::s4u::Engine::set_config("network/model:CM02");
  simgrid::s4u::Engine::set_config("network/crosstraffic:0");
  simgrid::s4u::Engine::set_config("network/TCP-gamma:0");
  return engine;
}

}  // namespace moesim
