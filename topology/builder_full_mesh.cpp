// `full_mesh`: a direct scale-up link between every pair of devices of a node (HCCS-like); nodes
// joined as in `switch`.
#include <algorithm>
#include <string>

#include "topology/builder_common.hpp"

namespace moesim {

namespace {
class FullMeshTopology final : public TopologyBuilder {
 public:
  [[nodiscard]] ClusterGraph build(const ClusterShape& s) const override {
    check_shape(s);
    ClusterGraph g;
    const auto devices = topo::add_devices(g, s);
    const int n = s.devices_per_node;
    // The preset's scale_up bandwidth is the device's aggregate over its n-1 mesh links, so one
    // pair of devices gets only 1/(n-1) of it (an all-to-all still reaches the aggregate).
    const BytesPerSec per_link = s.scale_up.bandwidth / double(std::max(1, n - 1));
    for (int node = 0; node < s.nodes; ++node) {
      for (int i = 0; i < n; ++i) {
        for (int j = i + 1; j < n; ++j) {
          g.add_duplex_link(devices[node * n + i], devices[node * n + j], per_link,
                            s.scale_up.latency, "scale_up");
        }
      }
    }
    if (s.nodes > 1) topo::add_fabric_switch(g, s, topo::add_nics(g, s, devices));
    return g;
  }
};
}  // namespace

void register_full_mesh_topology(TopologyRegistry& r) {
  r.add({"full_mesh",
         "per node, a direct link between every pair of devices at scale_up bandwidth / "
         "(devices_per_node - 1) (HCCS-like); nodes joined as in switch",
         {},
         [](const ParamSet&) { return std::make_unique<FullMeshTopology>(); }});
}

}  // namespace moesim
