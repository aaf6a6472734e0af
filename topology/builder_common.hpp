// Pieces the built-in topology builders share (internal to topology/).
#pragma once

#include <vector>

#include "topology/topology_builder.hpp"

namespace moesim::topo {

// Adds every device, node-major, named "n<node>.d<local>"; returns their vertices by device index.
std::vector<int> add_devices(ClusterGraph& g, const ClusterShape& s);

// Per node with more than one device, a scale-up switch "n<node>.sw" joined to each of its devices
// at scale_up bandwidth ("scale_up" links). Each hop carries half the scale-up latency, so
// device -> switch -> device costs exactly one scale_up.latency.
void add_node_switches(ClusterGraph& g, const ClusterShape& s, const std::vector<int>& devices);

// One NIC "n<node>.nic<local>" per device, joined to it by a "nic" link at scale_out bandwidth
// and zero latency (the host/PCIe path is assumed never to be the bottleneck). Returns the NIC
// vertices by device index.
std::vector<int> add_nics(ClusterGraph& g, const ClusterShape& s, const std::vector<int>& devices);

// One non-blocking fabric switch "fabric" joined to every NIC at scale_out bandwidth
// ("scale_out" links, half the scale-out latency per hop: NIC -> fabric -> NIC =
// scale_out.latency).
void add_fabric_switch(ClusterGraph& g, const ClusterShape& s, const std::vector<int>& nics);

}  // namespace moesim::topo
