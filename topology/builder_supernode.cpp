// `supernode`: every device of every node on one non-blocking switch at scale-up bandwidth and
// latency (CloudMatrix384-like UB plane); dies of one package also share an on-package link.
#include <string>

#include "models/errors.hpp"
#include "topology/builder_common.hpp"

namespace moesim {

namespace {
class SupernodeTopology final : public TopologyBuilder {
 public:
  explicit SupernodeTopology(double on_package_factor) : factor_(on_package_factor) {}

  [[nodiscard]] ClusterGraph build(const ClusterShape& s) const override {
    check_shape(s);
    if (s.dies_per_package > 1 && s.devices_per_node % s.dies_per_package != 0) {
      throw ConfigError("supernode: devices_per_node (" + std::to_string(s.devices_per_node) +
                        ") is not a multiple of dies_per_package (" +
                        std::to_string(s.dies_per_package) + ")");
    }
    ClusterGraph g;
    const auto devices = topo::add_devices(g, s);
    if (devices.size() > 1) {
      const int sw = g.add_vertex("supernode", VertexKind::kSwitch);
      for (int v : devices) {
        g.add_duplex_link(v, sw, s.scale_up.bandwidth, s.scale_up.latency / 2.0, "scale_up");
      }
    }
    // A guess, not a published figure: the die-to-die link runs at on_package_factor x the
    // per-die scale-up bandwidth with half the scale-up latency, so package mates route over it.
    const int dies = s.dies_per_package;
    for (int p = 0; dies > 1 && p < s.devices() / dies; ++p) {
      for (int i = 0; i < dies; ++i) {
        for (int j = i + 1; j < dies; ++j) {
          g.add_duplex_link(devices[p * dies + i], devices[p * dies + j],
                            s.scale_up.bandwidth * factor_, s.scale_up.latency / 2.0, "on_package");
        }
      }
    }
    return g;
  }

 private:
  double factor_;
};
}  // namespace

void register_supernode_topology(TopologyRegistry& r) {
  r.add({"supernode",
         "all devices of all nodes on one non-blocking switch at scale_up bandwidth and latency "
         "(CloudMatrix384-like); dies of a package also joined on-package; scale_out unused",
         {number_param("on_package_factor", 2.0, 0.01, 1000.0,
                       "on-package die-to-die bandwidth as a multiple of scale_up bandwidth "
                       "(guess); used when dies_per_package > 1")},
         [](const ParamSet& p) {
           return std::make_unique<SupernodeTopology>(p.number("on_package_factor"));
         }});
}

}  // namespace moesim
