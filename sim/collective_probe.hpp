// Simulates one collective as SimGrid flows over a network (calibration of the closed form of
// topology/graph_collectives). Creates its own SimGrid engine: call at most once per process.
#pragma once

#include <vector>

#include "models/operator.hpp"
#include "sim/kv_network.hpp"

namespace moesim {

// `devices`: the group in rank order; `bytes`: the op's message (all-reduce and all-gather
// buffer, or what one device sends in an all-to-all). Ring all-reduce runs 2(n-1) steps and
// all-gather n-1 steps of n concurrent neighbour transfers of bytes/n; all-to-all sends
// bytes/(n-1) to every peer at once. `spec` must hold routes for every pair the algorithm uses.
// Returns the simulated seconds.
[[nodiscard]] double simulate_collective(const KvNetworkSpec& spec, const std::vector<int>& devices,
                                         Collective collective, double bytes);

}  // namespace moesim
