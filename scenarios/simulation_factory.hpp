// Turns a resolved Scenario into the plug-ins and numbers the simulation runs with.
#pragma once

#include "scenarios/scenario.hpp"
#include "sim/simulation.hpp"

namespace moesim {

// Cost calculator of the scenario's target model on its deployment.
[[nodiscard]] std::shared_ptr<const StepCostCalculator> make_target_calculator(const Scenario& s);

// Everything the simulation needs; `with_speculation` false gives the baseline of the same
// scenario (same seed, same arrivals).
[[nodiscard]] SimulationSetup make_simulation_setup(const Scenario& s, bool with_speculation);

// KV-cache blocks of one instance after weights (and the draft model) are placed.
[[nodiscard]] std::int64_t kv_capacity_blocks(const Scenario& s);

}  // namespace moesim
