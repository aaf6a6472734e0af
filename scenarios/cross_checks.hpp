// Checks across sections, run once every section parsed: the layout fits the cluster and
// divides the model, the weights and a minimal KV cache fit in device memory, speculation is
// complete. Problems are reported at the key a user would change.
#pragma once

#include "scenarios/scenario.hpp"

namespace moesim {

void cross_check(MapReader& root, const Scenario& s);

// Bytes of device memory left for the KV cache on each device of an instance with layout `p`
// (may be negative).
[[nodiscard]] Bytes kv_budget_per_device(const Scenario& s, const Parallel& p);

}  // namespace moesim
