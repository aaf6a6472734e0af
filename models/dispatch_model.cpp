// Shared arithmetic of the dispatch modes and the explicit list of built-ins (so none can fall
// out of a static link).
#include "models/dispatch_model.hpp"

#include <algorithm>
#include <string>

namespace moesim {

void register_pairwise_dispatch(DispatchRegistry&);
void register_node_limited_dispatch(DispatchRegistry&);
void register_low_latency_dispatch(DispatchRegistry&);
void register_ascend_fused_dispatch(DispatchRegistry&);

const DispatchRegistry& dispatch_models() {
  static const DispatchRegistry registry = [] {
    DispatchRegistry r("dispatch mode");
    register_pairwise_dispatch(r);
    register_node_limited_dispatch(r);
    register_low_latency_dispatch(r);
    register_ascend_fused_dispatch(r);
    return r;
  }();
  return registry;
}

double pairwise_dispatch_bytes(const DispatchInput& in) {
  return in.max_pairs * in.bytes_per_token * (1.0 - 1.0 / in.ep);
}

double miss_probability(double a, double b, int k) {
  // prod_{i<k} (a - b - i) / (a - i): the k draws, one by one, all land outside the b items.
  double p = 1.0;
  for (int i = 0; i < k; ++i) {
    const double num = a - b - i;
    if (num <= 0) return 0.0;
    p *= num / (a - i);
  }
  return p;
}

NodeLimitedCounts node_limited_counts(int experts, int top_k, int ep, int nodes, int max_nodes) {
  const int chosen = max_nodes > 0 ? std::min(max_nodes, nodes) : nodes;
  const double per_node = double(experts) / nodes;
  const double per_rank = double(experts) / ep;
  const double pool = chosen * per_node;  // experts of the chosen nodes
  if (pool < top_k) {
    throw ConfigError("max_nodes " + std::to_string(chosen) + " leaves " +
                      std::to_string(int(pool)) + " experts to choose from, fewer than top_k " +
                      std::to_string(top_k));
  }
  NodeLimitedCounts c;
  // A chosen node is hit unless all K experts fall on the other chosen nodes.
  c.nodes = chosen * (1.0 - miss_probability(pool, per_node, top_k));
  // Every node is chosen with probability chosen / nodes, the token's own included.
  c.remote_nodes = c.nodes * double(nodes - 1) / nodes;
  // A rank is hit when its node is chosen and one of its experts is drawn.
  c.ranks = ep * (double(chosen) / nodes) * (1.0 - miss_probability(pool, per_rank, top_k));
  // The landing rank of a node is any one of its ranks with equal probability over sources.
  const double ranks_per_node = std::max(1.0, double(ep) / nodes);
  c.forwards = c.ranks * (1.0 - 1.0 / ranks_per_node);
  return c;
}

}  // namespace moesim
