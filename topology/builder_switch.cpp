// `switch`: every device of a node on one scale-up switch (NVSwitch-like); nodes joined through one
// NIC per device to a non-blocking fabric switch.
#include "topology/builder_common.hpp"

namespace moesim {

namespace {
class SwitchTopology final : public TopologyBuilder {
 public:
  [[nodiscard]] ClusterGraph build(const ClusterShape& s) const override {
    check_shape(s);
    ClusterGraph g;
    const auto devices = topo::add_devices(g, s);
    topo::add_node_switches(g, s, devices);
    if (s.nodes > 1) topo::add_fabric_switch(g, s, topo::add_nics(g, s, devices));
    return g;
  }
};
}  // namespace

void register_switch_topology(TopologyRegistry& r) {
  r.add({"switch",
         "per node, every device on one scale-up switch at scale_up bandwidth (NVSwitch-like); "
         "nodes joined by one NIC per device at scale_out bandwidth to a non-blocking fabric",
         {},
         [](const ParamSet&) { return std::make_unique<SwitchTopology>(); }});
}

}  // namespace moesim
