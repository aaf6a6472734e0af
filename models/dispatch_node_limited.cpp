// `node_limited`: DeepEP's normal (high-throughput) kernels with DeepSeek-V3's node-limited
// routing. A token is sent once to each distinct destination node (at most max_nodes of them)
// over scale-out, landing on the rank with the sender's index there, which forwards it over
// scale-up to every other rank of that node holding one of its experts; ranks of the sender's
// own node get it over scale-up directly. Combine mirrors it (reduced inside the node first).
// Per call, for the busiest rank (imbalance i = max pairs / mean pairs from the routing model,
// tau = T / ep tokens per rank, b bytes per token, counts from node_limited_counts):
//   S_out = i tau remote_nodes b,  S_up = i tau forwards b,  message = S_out + S_up.
#include "models/dispatch_model.hpp"

#include <algorithm>

namespace moesim {
namespace {
class NodeLimitedDispatch final : public DispatchModel {
 public:
  NodeLimitedDispatch(int max_nodes, double efficiency, Seconds overhead)
      : max_nodes_(max_nodes), efficiency_(efficiency), overhead_(overhead) {}

  Call call(const DispatchInput& in) const override {
    const int per_node = std::max(1, std::min(in.devices_per_node, in.devices));
    const int nodes = std::max(1, (in.devices + per_node - 1) / per_node);
    const NodeLimitedCounts c =
        node_limited_counts(in.experts, in.top_k, in.ep, std::min(nodes, in.ep), max_nodes_);
    const double imbalance = in.mean_pairs > 0 ? in.max_pairs / in.mean_pairs : 1.0;
    const double tokens = imbalance * in.tokens / in.ep;
    const double out = tokens * c.remote_nodes * in.bytes_per_token;
    const double up = tokens * c.forwards * in.bytes_per_token;
    Call r;
    r.message = Bytes(out + up);
    r.call.scale_out = Bytes(out);
    r.call.efficiency = efficiency_;
    r.call.overhead = overhead_;
    return r;
  }

 private:
  int max_nodes_;
  double efficiency_;
  Seconds overhead_;
};
}  // namespace

void register_node_limited_dispatch(DispatchRegistry& r) {
  r.add({"node_limited",
         "DeepEP normal kernels: one scale-out copy per destination node (at most max_nodes), "
         "then scale-up forwarding to each expert's rank; combine mirrors it",
         {integer_param("max_nodes", 0, 0, 1 << 16,
                        "M: nodes a token may route to (DeepSeek-V3: 4); 0 = no limit"),
          number_param("efficiency", 0.86, 0.0, 1.0,
                       "eta of the transfer; 0 = the communication-efficiency plug-in's. DeepEP "
                       "V1 normal kernels, H800 EP16: 43 of ~50 GB/s RDMA"),
          quantity_param("overhead", Dimension::kTime, 20e-6, 0.0,
                         "fixed time per call (layout exchange, CPU wait for the receive count); "
                         "guess")},
         [](const ParamSet& p) {
           return std::make_unique<NodeLimitedDispatch>(int(p.integer("max_nodes")),
                                                        p.number("efficiency"),
                                                        Seconds(p.number("overhead")));
         }});
}

}  // namespace moesim
