#include "topology/topology_builder.hpp"

#include <string>

#include "models/errors.hpp"

namespace moesim {

ClusterShape ClusterShape::of(const Hardware& hw, int nodes, int devices_per_node) {
  return ClusterShape{nodes, devices_per_node, hw.scale_up, hw.scale_out, hw.dies_per_package};
}

void check_shape(const ClusterShape& shape) {
  auto fail = [](const std::string& what) { throw ConfigError("cluster shape: " + what); };
  if (shape.nodes < 1) fail("nodes must be >= 1 (got " + std::to_string(shape.nodes) + ")");
  if (shape.devices_per_node < 1) {
    fail("devices_per_node must be >= 1 (got " + std::to_string(shape.devices_per_node) + ")");
  }
  if (shape.dies_per_package < 1) {
    fail("dies_per_package must be >= 1 (got " + std::to_string(shape.dies_per_package) + ")");
  }
  if (double(shape.nodes) * shape.devices_per_node > double(1 << 20)) {
    fail("more than 2^20 devices");
  }
}

ClusterGraph build_topology(const std::string& name, ParamSet params, const ClusterShape& shape) {
  return topology_builders().create(name, std::move(params))->build(shape);
}

}  // namespace moesim
