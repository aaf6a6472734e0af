// Routing-model plug-ins: how the tokens of one forward pass spread over routed experts, and
// what the busiest expert-parallel device sees (the step waits for it).
#pragma once

#include <memory>

#include "models/model_arch.hpp"
#include "models/registry.hpp"

namespace moesim {

struct ExpertLoad {
  double activated_experts = 0;       // expected distinct experts touched in the whole instance
  double mean_device_activated = 0;   // activated local experts, mean over EP ranks
  double max_device_activated = 0;    // expected maximum over EP ranks
  double mean_device_assignments = 0; // token-expert pairs per EP rank, mean
  double max_device_assignments = 0;  // expected maximum over EP ranks (>= mean)
};

class RoutingModel {
 public:
  virtual ~RoutingModel() = default;
  // `tokens` tokens routed in one pass of one MoE layer, experts spread over `ep` ranks.
  // Precondition: moe.experts > 0, ep divides moe.experts. Throws ConfigError on a model the
  // routing model cannot describe (e.g. a frequency table of the wrong length).
  [[nodiscard]] virtual ExpertLoad load(double tokens, const MoeDims& moe, int ep) const = 0;
};

using RoutingRegistry = Registry<RoutingModel>;
// Every built-in routing model, registered once.
[[nodiscard]] const RoutingRegistry& routing_models();

// Expected activated experts under uniform routing: N(t) = E (1 - (1 - K/E)^t).
[[nodiscard]] double uniform_activated_experts(double tokens, int experts, int top_k);

}  // namespace moesim
