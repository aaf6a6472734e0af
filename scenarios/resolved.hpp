// The fully resolved scenario as YAML (presets expanded, defaults filled, units normalised):
// written beside the results so a run can be reproduced and audited.
#pragma once

#include <string>

#include "scenarios/scenario.hpp"

namespace moesim {

[[nodiscard]] std::string resolved_yaml(const Scenario& s);

}  // namespace moesim
