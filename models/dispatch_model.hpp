// Expert-dispatch plug-ins: how the EP dispatch (tokens to their experts) and combine (expert
// outputs back) of one MoE layer move bytes, per deployment. Each mode states, for the busiest
// EP rank, the bytes one call sends, the part of them that crosses scale-out links, and the
// per-call fixed cost and link efficiency it runs at (or leaves them to the communication-
// efficiency plug-in). The step builder turns the answer into the `ep_dispatch` / `ep_combine`
// all-to-all ops; the collective models price them. Formulas: models/README.md "Expert dispatch".
#pragma once

#include "models/operator.hpp"
#include "models/registry.hpp"

namespace moesim {

// One MoE layer's routing as the dispatch sees it.
struct DispatchInput {
  double tokens = 0;     // T: tokens routed by the whole instance in this pass
  int experts = 0;       // routed expert slots (experts + redundant copies)
  int top_k = 0;         // K
  int ep = 1;            // EP ranks
  int devices = 1;       // devices of the instance (group of the call)
  int devices_per_node = 8;  // devices sharing one scale-up domain
  double max_pairs = 0;   // token-expert pairs of the busiest EP rank (routing model)
  double mean_pairs = 0;  // mean over EP ranks (= T K / ep)
  double bytes_per_token = 0;  // one token's payload (dispatch or combine format, + scales)
};

class DispatchModel {
 public:
  virtual ~DispatchModel() = default;
  // What one call (dispatch or combine: they mirror each other) moves for the busiest rank.
  // Precondition: ep > 1, experts % ep == 0. Throws ConfigError when the mode's parameters do
  // not fit the layout (e.g. a node limit that leaves fewer than K experts to choose from).
  // Op::message of the result is the total bytes sent; Op::call carries the rest.
  struct Call {
    Bytes message{0};
    CallOverride call;
    double hidden_behind_experts = 0;  // Op::hidden_behind_experts
  };
  [[nodiscard]] virtual Call call(const DispatchInput& in) const = 0;
};

using DispatchRegistry = Registry<DispatchModel>;
// Every built-in dispatch mode, registered once (`pairwise`, the default, is today's all-to-all).
[[nodiscard]] const DispatchRegistry& dispatch_models();

// The pairwise all-to-all every mode is compared with: the busiest rank's pairs, less the local
// share 1/ep, at bytes_per_token each.
[[nodiscard]] double pairwise_dispatch_bytes(const DispatchInput& in);

// C(a - b, k) / C(a, k): the probability that k distinct items drawn uniformly from a miss a
// given b of them (0 when a - b < k). a >= b >= 0, k >= 0.
[[nodiscard]] double miss_probability(double a, double b, int k);

// Node-limited routing over `nodes` nodes of experts / nodes experts each (ep / nodes ranks each):
// a token first picks min(max_nodes, nodes) nodes uniformly (max_nodes 0: all), then K distinct
// experts uniformly among theirs. Expected per token:
struct NodeLimitedCounts {
  double nodes = 0;         // distinct destination nodes (own node included)
  double remote_nodes = 0;  // distinct destination nodes other than its own
  double ranks = 0;         // distinct destination EP ranks
  double forwards = 0;      // destination ranks that are not where the token lands in their
                            // node (its own rank at home, the same-index rank elsewhere)
};
// Throws ConfigError when min(max_nodes, nodes) x experts per node < K.
[[nodiscard]] NodeLimitedCounts node_limited_counts(int experts, int top_k, int ep, int nodes,
                                                    int max_nodes);

}  // namespace moesim
