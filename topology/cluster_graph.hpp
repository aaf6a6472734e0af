// The cluster as a Boost.Graph: devices, NICs and switches joined by full-duplex links. Routes
// (Dijkstra by latency, deterministic ties) and the bisection bandwidth (max flow) come from it.
#pragma once

#include <boost/graph/adjacency_list.hpp>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "models/units.hpp"

namespace moesim {

enum class VertexKind { kDevice, kNic, kSwitch };
[[nodiscard]] std::string_view vertex_kind_name(VertexKind k);  // "device", "nic", "switch"

struct VertexInfo {
  std::string name;  // unique ("n0.d3", "n0.nic3", "n0.sw", "leaf1")
  VertexKind kind = VertexKind::kSwitch;
  int node = -1;    // node the vertex belongs to; -1 for fabric-level switches
  int device = -1;  // global device index (node-major) for devices, -1 otherwise
};

// One DIRECTED edge. A duplex link is two of them with independent capacity.
struct LinkInfo {
  std::string name;          // "a->b" from the vertex names
  BytesPerSec bandwidth{0};  // this direction
  Seconds latency{0};        // one traversal of this edge
  std::string kind;          // "scale_up", "nic", "scale_out", "leaf_uplink", "on_package", ...
  int index = -1;            // stable edge index in [0, link_count()): usable as an array index
};

// The shortest path between two devices.
struct Route {
  std::vector<int> hops;      // edge indices, in order from source to destination
  Seconds latency{0};         // sum of the hops' latencies (0 for a device to itself)
  BytesPerSec bottleneck{0};  // smallest hop bandwidth (infinite for a device to itself)
};

// Built once by a TopologyBuilder, then read-only (shared between collective models). Const
// members are safe to call from several threads: the route cache is guarded by a mutex.
class ClusterGraph {
 public:
  using Graph =
      boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, VertexInfo, LinkInfo>;
  using Edge = Graph::edge_descriptor;

  ClusterGraph();
  ClusterGraph(const ClusterGraph& other);
  ClusterGraph& operator=(const ClusterGraph& other);
  ClusterGraph(ClusterGraph&&) noexcept;
  ClusterGraph& operator=(ClusterGraph&&) noexcept;
  ~ClusterGraph();

  // Adds a vertex and returns its index. A device gets the next global device index, so devices
  // must be added node-major. Throws ConfigError on an empty or duplicate name.
  int add_vertex(std::string name, VertexKind kind, int node = -1);
  // Adds the directed edges a->b (returned index, even) and b->a (index + 1), each with
  // `bandwidth` (> 0, finite) and `latency` (0 to 1000 s). Throws ConfigError otherwise.
  int add_duplex_link(int a, int b, BytesPerSec bandwidth, Seconds latency,
                      const std::string& kind);

  [[nodiscard]] int vertex_count() const;
  [[nodiscard]] int device_count() const { return int(device_vertex_.size()); }
  // Precondition: 0 <= device < device_count() (throws std::out_of_range otherwise).
  [[nodiscard]] int vertex_of_device(int device) const { return device_vertex_.at(device); }
  [[nodiscard]] const VertexInfo& vertex(int v) const;
  // The vertex with this name, if any.
  [[nodiscard]] std::optional<int> find_vertex(std::string_view name) const;

  // Directed edges: indices 2k and 2k+1 are the two directions of the k-th duplex link.
  [[nodiscard]] int link_count() const { return int(edges_.size()); }
  [[nodiscard]] const LinkInfo& link(int index) const;
  [[nodiscard]] int link_source(int index) const;
  [[nodiscard]] int link_target(int index) const;
  [[nodiscard]] static int reverse_link(int index) { return index ^ 1; }

  // Shortest route by latency (Dijkstra over latencies rounded to picoseconds); ties go to fewer
  // hops, then, walking back from the destination, to the predecessor with the lower vertex
  // index. Computed once per source device (all destinations) and cached; the reference stays
  // valid until the graph is modified or destroyed. Throws ConfigError when dst is unreachable,
  // std::out_of_range for a bad device index.
  [[nodiscard]] const Route& route(int src_device, int dst_device) const;
  // The route's hops with their edge index and description (for one SimGrid link per edge).
  [[nodiscard]] std::vector<std::pair<int, LinkInfo>> route_links(int src_device,
                                                                  int dst_device) const;

  // Max flow (bytes/s, one direction) from devices [0, D/2) to devices [D/2, D) through a super
  // source and sink (push-relabel over capacities rounded to 1 B/s). 0 when D < 2. Not cached.
  [[nodiscard]] double bisection_bandwidth() const;

  // Graphviz text: one undirected edge per duplex link, labelled with kind, bandwidth, latency.
  [[nodiscard]] std::string to_dot() const;

  [[nodiscard]] const Graph& graph() const { return g(); }

 private:
  struct RouteCache;
  void reindex_edges();
  void clear_routes();
  [[nodiscard]] std::vector<Route> routes_from(int src_device) const;

  // Held by pointer so that a move hands the storage (and the edge descriptors into it) over
  // without copying; null only in a moved-from graph, which g() shows as empty.
  std::unique_ptr<Graph> graph_;
  [[nodiscard]] const Graph& g() const;
  Graph& g();
  std::vector<Edge> edges_;         // by stable edge index
  std::vector<int> device_vertex_;  // by device index
  std::map<std::string, int, std::less<>> by_name_;
  std::unique_ptr<RouteCache> routes_;
};

}  // namespace moesim
