// A cluster graph written out as data (vertices and duplex links), the neutral form of a
// user-defined topology: scenarios/ fills it from a YAML file, this library checks it and builds
// the ClusterGraph. Nothing here knows YAML.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "topology/cluster_graph.hpp"

namespace moesim {

struct TopologySpec {
  struct Vertex {
    std::string name;
    VertexKind kind = VertexKind::kSwitch;
    // Node the vertex belongs to; -1 = not given (a device's node comes from its name
    // "n<node>.d<local>", so a given one must agree; a NIC or switch without one is fabric-level).
    int node = -1;
  };
  // One full-duplex link: two directed edges, each with `bandwidth` per direction and `latency`
  // per traversal (no halving: a route's latency is the sum of its links' latencies).
  struct Link {
    std::string a, b;  // vertex names
    BytesPerSec bandwidth{0};
    Seconds latency{0};
    std::string kind = "link";  // free text, shown by `moesim topology describe`
  };

  std::vector<Vertex> vertices;  // in any order; devices must be listed node-major
  std::vector<Link> links;

  // Shape of a spec that passed check_topology_spec(): devices, nodes (distinct device nodes)
  // and devices per node (every node has the same number).
  [[nodiscard]] int devices() const;
  [[nodiscard]] int nodes() const;
  [[nodiscard]] int devices_per_node() const;
};

// One problem of a spec: what it is about (the whole spec, vertices[index] or links[index]), the
// field at fault ("name", "node", "a", "b", "bandwidth", "latency"; empty for the whole entry)
// and a sentence.
struct TopologyProblem {
  enum class Item { kSpec, kVertex, kLink };
  Item item = Item::kSpec;
  std::size_t index = 0;
  std::string field;
  std::string message;
};

// (unknown name, every vertex name) -> a hint appended after "; " ("did you mean 'n0.sw'?"), or
// "" for none.
using VertexNameHint =
    std::function<std::string(const std::string& word, const std::vector<std::string>& names)>;

// Every problem at once, in order of the entries: at least one device; names non-empty and
// unique; devices named "n<node>.d<local>" and listed node-major (n0.d0, n0.d1, ..., n1.d0, ...),
// every node with the same number of devices, a given device node equal to the name's; a NIC's or
// switch's node within the devices' nodes; link endpoints existing and distinct; bandwidth > 0
// and finite; latency in [0 s, 1000 s]; every device joined to device n0.d0 by a chain of links
// (one problem per cut-off group, at its first device). At most 2^20 vertices.
[[nodiscard]] std::vector<TopologyProblem> check_topology_spec(const TopologySpec& spec,
                                                               const VertexNameHint& hint = {});

// The graph of `spec`: devices first in the order listed (device d is vertex d), then the other
// vertices in the order listed; links in the order listed (link k has edge indices 2k, 2k + 1).
// Throws ConfigError listing every problem of check_topology_spec (as "vertices[i].field: ...").
[[nodiscard]] ClusterGraph build_topology(const TopologySpec& spec);

// "vertices[3].name" / "links[0].b" / "" : where a problem lies, as a key path.
[[nodiscard]] std::string topology_problem_path(const TopologyProblem& p);

}  // namespace moesim
