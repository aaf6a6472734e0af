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

// Per-expert probabilities and placement of the last (experts, top_k, groups, ep) a routing
// model was asked about: rebuilt only when the shape changes (a simulation asks the same shape
// at every step). Not thread-safe; each simulation owns its models.
struct RoutingTables {
  RoutingTables() = default;
  RoutingTables(std::vector<double> p, std::vector<int> d);
  std::vector<double> pi;
  std::vector<int> device_of;
  // Per EP rank, runs of (pi, number of local experts with that pi): one run per rank for
  // uniform routing, so a step's load costs O(ep) instead of O(experts).
  std::vector<std::vector<std::pair<double, int>>> runs;
};

// The same arithmetic as popularity_load over precomputed runs.
[[nodiscard]] ExpertLoad popularity_load(const RoutingTables& t, int ep, double tokens, int top_k);

class RoutingTableCache {
 public:
  template <class Build>
  const RoutingTables& get(const MoeDims& moe, int ep, Build build) const {
    const long long key[4] = {moe.experts, moe.top_k, moe.groups, ep};
    if (!valid_ || key[0] != key_[0] || key[1] != key_[1] || key[2] != key_[2] ||
        key[3] != key_[3]) {
      tables_ = build();
      for (int i = 0; i < 4; ++i) key_[i] = key[i];
      valid_ = true;
    }
    return tables_;
  }

 private:
  mutable bool valid_ = false;
  mutable long long key_[4] = {0, 0, 0, 0};
  mutable RoutingTables tables_;
};

}  // namespace moesim
