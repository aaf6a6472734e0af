// Shared arithmetic of routing models that know each expert's per-token selection probability.
#pragma once

#include <vector>

#include "models/routing_model.hpp"

namespace moesim {

// Expected maximum of n independent standard normal variables (numerical integration,
// cached; 0 for n = 1). Used to turn a per-device mean and variance into an expected maximum.
[[nodiscard]] double expected_max_standard_normal(int n);

// pi[j]: probability that one token selects expert j (sum = K). device_of[j]: EP rank of j.
// Activated experts per device are sums of Bernoulli(1-(1-pi)^t); assignments are binomial-like
// with variance t * sum pi (1 - pi). The maximum over ranks is mean + E[max normal] * sd,
// capped at what the device can hold.
[[nodiscard]] ExpertLoad popularity_load(const std::vector<double>& pi,
                                         const std::vector<int>& device_of, int ep, double tokens,
                                         int top_k);

// Experts 0..E-1 placed contiguously: expert j on rank j / (E / ep).
[[nodiscard]] std::vector<int> contiguous_placement(int experts, int ep);

// A seeded random permutation of experts, then contiguous placement.
[[nodiscard]] std::vector<int> shuffled_placement(int experts, int ep, unsigned long long seed);

// Scales weights to per-token selection probabilities summing to K, none above 1
// (probability mass above 1 is spread over the others).
[[nodiscard]] std::vector<double> selection_probabilities(std::vector<double> weights, int top_k);

}  // namespace moesim
