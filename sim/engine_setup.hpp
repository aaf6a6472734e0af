// The one way moesim creates a SimGrid engine: quiet logging and the network settings of
// docs/design.md section 6 (CM02, no cross-traffic, TCP-gamma 0), set before any zone exists.
// SimGrid allows one engine per process.
#pragma once

#include <simgrid/s4u/Engine.hpp>

#include <memory>

namespace moesim {

[[nodiscard]] std::unique_ptr<simgrid::s4u::Engine> make_engine();

}  // namespace moesim
