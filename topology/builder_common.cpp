#include "topology/builder_common.hpp"

#include <string>

namespace moesim::topo {

namespace {
// Appends rather than `"n" + to_string(node)`, which GCC 12 flags with a false -Wrestrict.
std::string node_prefix(int node) {
  std::string s = "n";
  s += std::to_string(node);
  s += '.';
  return s;
}
}  // namespace

std::vector<int> add_devices(ClusterGraph& g, const ClusterShape& s) {
  std::vector<int> out;
  out.reserve(std::size_t(s.devices()));
  for (int node = 0; node < s.nodes; ++node) {
    for (int k = 0; k < s.devices_per_node; ++k) {
      out.push_back(
          g.add_vertex(node_prefix(node) + "d" + std::to_string(k), VertexKind::kDevice, node));
    }
  }
  return out;
}

void add_node_switches(ClusterGraph& g, const ClusterShape& s, const std::vector<int>& devices) {
  if (s.devices_per_node < 2) return;
  for (int node = 0; node < s.nodes; ++node) {
    const int sw = g.add_vertex(node_prefix(node) + "sw", VertexKind::kSwitch, node);
    for (int k = 0; k < s.devices_per_node; ++k) {
      g.add_duplex_link(devices[node * s.devices_per_node + k], sw, s.scale_up.bandwidth,
                        s.scale_up.latency / 2.0, "scale_up");
    }
  }
}

std::vector<int> add_nics(ClusterGraph& g, const ClusterShape& s, const std::vector<int>& devices) {
  std::vector<int> out;
  out.reserve(devices.size());
  for (int d = 0; d < s.devices(); ++d) {
    const int node = d / s.devices_per_node;
    const int nic = g.add_vertex(node_prefix(node) + "nic" + std::to_string(d % s.devices_per_node),
                                 VertexKind::kNic, node);
    g.add_duplex_link(devices[d], nic, s.scale_out.bandwidth, Seconds(0), "nic");
    out.push_back(nic);
  }
  return out;
}

void add_fabric_switch(ClusterGraph& g, const ClusterShape& s, const std::vector<int>& nics) {
  const int fabric = g.add_vertex("fabric", VertexKind::kSwitch);
  for (int nic : nics) {
    g.add_duplex_link(nic, fabric, s.scale_out.bandwidth, s.scale_out.latency / 2.0, "scale_out");
  }
}

}  // namespace moesim::topo
