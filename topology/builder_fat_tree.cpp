// `fat_tree`: two tiers. Each device's NIC on a leaf switch at scale-out bandwidth; each leaf's
// uplinks to the spine tier total (its downlink bandwidth) / oversubscription. Intra-node traffic
// goes over a scale-up switch as in `switch`.
#include <string>

#include "topology/builder_common.hpp"

namespace moesim {

namespace {
struct FatTreeParams {
  double oversubscription = 1.0;
  int nodes_per_leaf = 4;
  bool rail_optimized = false;
  Seconds uplink_latency{0};
};

class FatTreeTopology final : public TopologyBuilder {
 public:
  explicit FatTreeTopology(FatTreeParams p) : p_(p) {}

  [[nodiscard]] ClusterGraph build(const ClusterShape& s) const override {
    check_shape(s);
    ClusterGraph g;
    const auto devices = topo::add_devices(g, s);
    topo::add_node_switches(g, s, devices);
    if (s.nodes < 2) return g;
    const auto nics = topo::add_nics(g, s, devices);

    // Nodes form groups of nodes_per_leaf. Plain: one leaf per group takes every NIC of its
    // nodes. Rail-optimised: a group has one leaf per rail k, taking NIC k of each of its nodes.
    const int per_leaf = p_.nodes_per_leaf;
    const int groups = (s.nodes + per_leaf - 1) / per_leaf;
    const int leaves_per_group = p_.rail_optimized ? s.devices_per_node : 1;
    std::vector<int> leaf(std::size_t(groups * leaves_per_group));
    std::vector<double> downlink(leaf.size(), 0.0);
    for (std::size_t l = 0; l < leaf.size(); ++l) {
      leaf[l] = g.add_vertex("leaf" + std::to_string(l), VertexKind::kSwitch);
    }
    for (int d = 0; d < s.devices(); ++d) {
      const int node = d / s.devices_per_node;
      const int rail = d % s.devices_per_node;
      const int l = node / per_leaf * leaves_per_group + (p_.rail_optimized ? rail : 0);
      g.add_duplex_link(nics[d], leaf[l], s.scale_out.bandwidth, s.scale_out.latency / 2.0,
                        "scale_out");
      downlink[l] += s.scale_out.bandwidth.value();
    }
    if (leaf.size() < 2) return g;
    // The spine tier is one logical switch and a leaf's uplinks one aggregated link: ideal
    // spreading over the spines (no ECMP hash collisions).
    const int spine = g.add_vertex("spine", VertexKind::kSwitch);
    for (std::size_t l = 0; l < leaf.size(); ++l) {
      g.add_duplex_link(leaf[l], spine, BytesPerSec(downlink[l] / p_.oversubscription),
                        p_.uplink_latency, "leaf_uplink");
    }
    return g;
  }

 private:
  FatTreeParams p_;
};
}  // namespace

void register_fat_tree_topology(TopologyRegistry& r) {
  r.add({"fat_tree",
         "two-tier leaf/spine fabric, one NIC per device at scale_out bandwidth, leaf uplinks = "
         "downlinks / oversubscription; intra-node scale-up switch as in switch",
         {number_param("oversubscription", 1.0, 1.0, 1e6,
                       "leaf downlink bandwidth / leaf uplink bandwidth (1 = non-blocking)"),
          integer_param("nodes_per_leaf", 4, 1, 1 << 20,
                        "nodes whose NICs share a leaf (rail_optimized: per rail)"),
          bool_param("rail_optimized", false,
                     "NIC k of every node of a leaf group on leaf k of that group"),
          quantity_param("uplink_latency", Dimension::kTime, 0.5e-6, 0.0,
                         "latency of one leaf-spine hop, each way (guess: one switch hop and "
                         "cable); added twice to routes between leaves")},
         [](const ParamSet& p) {
           FatTreeParams f;
           f.oversubscription = p.number("oversubscription");
           f.nodes_per_leaf = int(p.integer("nodes_per_leaf"));
           f.rail_optimized = p.flag("rail_optimized");
           f.uplink_latency = Seconds(p.number("uplink_latency"));
           return std::make_unique<FatTreeTopology>(f);
         }});
}

}  // namespace moesim
