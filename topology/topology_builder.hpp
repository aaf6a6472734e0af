// Topology builder plug-ins: each turns a cluster shape (nodes, devices per node, the preset's
// scale-up and scale-out links) into a ClusterGraph. Selected by name; parameters self-described.
#pragma once

#include <memory>
#include <string>

#include "models/hardware.hpp"
#include "models/registry.hpp"
#include "topology/cluster_graph.hpp"

namespace moesim {

// Device d of the cluster is device d % devices_per_node of node d / devices_per_node; its
// vertex is named "n<node>.d<local>". LinkSpec bandwidths are per device, per direction (as in
// Hardware); LinkSpec::domain_size is not read: a node is the scale-up domain (the supernode
// builder makes the whole cluster one).
struct ClusterShape {
  int nodes = 1;
  int devices_per_node = 8;
  LinkSpec scale_up;
  LinkSpec scale_out;
  int dies_per_package = 1;  // devices sharing one package (consecutive device indices)

  [[nodiscard]] int devices() const { return nodes * devices_per_node; }
  // The shape of `nodes` nodes of `devices_per_node` devices of preset `hw`.
  [[nodiscard]] static ClusterShape of(const Hardware& hw, int nodes, int devices_per_node);
};

// Throws ConfigError unless nodes >= 1, devices_per_node >= 1, dies_per_package >= 1 and the
// device count is at most 2^20. Bandwidths are checked where a builder uses them.
void check_shape(const ClusterShape& shape);

class TopologyBuilder {
 public:
  virtual ~TopologyBuilder() = default;
  // Builds the graph; throws ConfigError when the shape does not fit this topology.
  [[nodiscard]] virtual ClusterGraph build(const ClusterShape& shape) const = 0;
};

using TopologyRegistry = Registry<TopologyBuilder>;
// Every built-in builder, registered once: fat_tree, full_mesh, supernode, switch.
[[nodiscard]] const TopologyRegistry& topology_builders();

// Creates builder `name` with `params` (validated, defaults filled) and builds `shape`.
[[nodiscard]] ClusterGraph build_topology(const std::string& name, ParamSet params,
                                          const ClusterShape& shape);

}  // namespace moesim
