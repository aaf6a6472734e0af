// The list of built-in topology builders (explicit, so none can fall out of a static link).
#include "topology/topology_builder.hpp"

namespace moesim {

void register_switch_topology(TopologyRegistry&);
void register_full_mesh_topology(TopologyRegistry&);
void register_fat_tree_topology(TopologyRegistry&);
void register_supernode_topology(TopologyRegistry&);

const TopologyRegistry& topology_builders() {
  static const TopologyRegistry registry = [] {
    TopologyRegistry r("topology");
    register_switch_topology(r);
    register_full_mesh_topology(r);
    register_fat_tree_topology(r);
    register_supernode_topology(r);
    return r;
  }();
  return registry;
}

}  // namespace moesim
