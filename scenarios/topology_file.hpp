// A topology file: the cluster graph written out as YAML vertices and duplex links,
//
//   vertices:
//     - {name: n0.d0, kind: device}            # devices n<node>.d<local>, listed node-major
//     - {name: n0.sw, kind: switch, node: 0}   # nic | switch; node optional (-1: fabric-level)
//   links:
//     - {a: n0.d0, b: n0.sw, bandwidth: 450GB/s, latency: 1us, kind: scale_up}
//
// read into a TopologySpec (topology/topology_spec.hpp) and checked, every problem reported with
// the file's line:column and key path ("links[3].b").
#pragma once

#include <optional>
#include <string>

#include "scenarios/yaml_reader.hpp"
#include "topology/topology_spec.hpp"

namespace moesim {

// `written` (a scenario's cluster.topology_file) against the scenario's folder `base_dir`;
// an absolute path stays as it is.
[[nodiscard]] std::string resolve_topology_path(const std::string& base_dir,
                                                const std::string& written);

// Reads and checks the topology file at `path`, the value of `key` in `where` (the scenario's
// cluster section): a file that cannot be opened is reported at that key, anything wrong inside
// it at its own place in the file, all into where's diagnostics. The spec when every entry read
// and check_topology_spec found nothing, else nullopt.
[[nodiscard]] std::optional<TopologySpec> read_topology_file(MapReader& where,
                                                             const std::string& key,
                                                             const std::string& path);

// The same from text; `display_name` names the file in messages.
[[nodiscard]] std::optional<TopologySpec> read_topology_text(const std::string& text,
                                                             const std::string& display_name,
                                                             Diagnostics& diags);

}  // namespace moesim
