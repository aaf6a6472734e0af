#include "topology/cluster_graph.hpp"

#include <algorithm>
#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <boost/graph/push_relabel_max_flow.hpp>
#include <boost/property_map/function_property_map.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <mutex>
#include <sstream>
#include <stdexcept>

#include "models/errors.hpp"

namespace moesim {

struct ClusterGraph::RouteCache {
  std::mutex mutex;
  // One table per source device (routes to every device), built on first use. unique_ptr keeps
  // the tables in place so references handed out stay valid while others are added.
  std::vector<std::unique_ptr<const std::vector<Route>>> by_source;
};

namespace {

constexpr std::int64_t kInfinity = std::numeric_limits<std::int64_t>::max();
// Dijkstra key of one hop: latency in picoseconds scaled by kHopScale, plus one. Integer keys make
// equal-latency paths compare exactly equal, and the +1 per hop prefers fewer hops among them
// (and keeps every key positive, so zero-latency links cannot form predecessor cycles).
constexpr std::int64_t kHopScale = 1 << 16;

std::int64_t hop_key(Seconds latency) {
  return std::llround(latency.value() * 1e12) * kHopScale + 1;
}

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::string_view vertex_kind_name(VertexKind k) {
  switch (k) {
    case VertexKind::kDevice:
      return "device";
    case VertexKind::kNic:
      return "nic";
    case VertexKind::kSwitch:
      return "switch";
  }
  return "?";
}

ClusterGraph::ClusterGraph()
    : graph_(std::make_unique<Graph>()), routes_(std::make_unique<RouteCache>()) {}

// Edge descriptors point into the graph's storage: a copy re-derives them from the stored edge
// indices. A move hands the storage over whole (the descriptors stay valid): Boost 1.74's
// adjacency_list has no move, and its swap makes three copies, which at 2^20 devices took
// minutes and threw bad_alloc out of the noexcept move.
ClusterGraph::ClusterGraph(const ClusterGraph& other)
    : graph_(std::make_unique<Graph>(other.g())),
      device_vertex_(other.device_vertex_),
      by_name_(other.by_name_),
      routes_(std::make_unique<RouteCache>()) {
  reindex_edges();
}

ClusterGraph& ClusterGraph::operator=(const ClusterGraph& other) {
  if (this != &other) {
    graph_ = std::make_unique<Graph>(other.g());
    device_vertex_ = other.device_vertex_;
    by_name_ = other.by_name_;
    reindex_edges();
    clear_routes();
  }
  return *this;
}

// Moved-from: no storage (every accessor sees an empty graph), nothing allocated.
ClusterGraph::ClusterGraph(ClusterGraph&& other) noexcept = default;
ClusterGraph& ClusterGraph::operator=(ClusterGraph&& other) noexcept = default;

ClusterGraph::~ClusterGraph() = default;

const ClusterGraph::Graph& ClusterGraph::g() const {
  static const Graph empty;
  return graph_ ? *graph_ : empty;
}

ClusterGraph::Graph& ClusterGraph::g() {
  if (!graph_) graph_ = std::make_unique<Graph>();
  return *graph_;
}

void ClusterGraph::reindex_edges() {
  edges_.assign(boost::num_edges(g()), Edge{});
  for (auto [it, end] = boost::edges(g()); it != end; ++it) edges_[g()[*it].index] = *it;
}

void ClusterGraph::clear_routes() {
  if (!routes_) routes_ = std::make_unique<RouteCache>();
  std::lock_guard lock(routes_->mutex);
  routes_->by_source.clear();
}

int ClusterGraph::add_vertex(std::string name, VertexKind kind, int node) {
  if (name.empty()) throw ConfigError("topology vertex with an empty name");
  if (by_name_.count(name)) throw ConfigError("topology vertex '" + name + "' added twice");
  const int device = kind == VertexKind::kDevice ? device_count() : -1;
  const int v = int(boost::add_vertex(VertexInfo{name, kind, node, device}, g()));
  if (device >= 0) device_vertex_.push_back(v);
  by_name_.emplace(std::move(name), v);
  clear_routes();
  return v;
}

int ClusterGraph::add_duplex_link(int a, int b, BytesPerSec bandwidth, Seconds latency,
                                  const std::string& kind) {
  if (a < 0 || b < 0 || a >= vertex_count() || b >= vertex_count() || a == b) {
    throw ConfigError("topology link between invalid vertices " + std::to_string(a) + " and " +
                      std::to_string(b));
  }
  const std::string name = g()[a].name + "->" + g()[b].name;
  if (!(bandwidth.value() > 0) || !std::isfinite(bandwidth.value())) {
    throw ConfigError("topology link '" + name + "' (" + kind +
                      "): bandwidth must be positive and finite");
  }
  // The upper bound keeps Dijkstra's integer keys (picoseconds x kHopScale) far from overflow.
  if (!(latency.value() >= 0 && latency.value() <= 1e3)) {
    throw ConfigError("topology link '" + name + "' (" + kind +
                      "): latency must be in [0 s, 1000 s]");
  }
  const int index = link_count();
  const auto forward =
      boost::add_edge(a, b, LinkInfo{name, bandwidth, latency, kind, index}, g());
  edges_.push_back(forward.first);
  const auto back = boost::add_edge(
      b, a, LinkInfo{g()[b].name + "->" + g()[a].name, bandwidth, latency, kind, index + 1},
      g());
  edges_.push_back(back.first);
  clear_routes();
  return index;
}

int ClusterGraph::vertex_count() const { return int(boost::num_vertices(g())); }

const VertexInfo& ClusterGraph::vertex(int v) const {
  if (v < 0 || v >= vertex_count()) throw std::out_of_range("topology vertex index");
  return g()[v];
}

std::optional<int> ClusterGraph::find_vertex(std::string_view name) const {
  const auto it = by_name_.find(name);
  if (it == by_name_.end()) return std::nullopt;
  return it->second;
}

const LinkInfo& ClusterGraph::link(int index) const { return g()[edges_.at(index)]; }
int ClusterGraph::link_source(int index) const {
  return int(boost::source(edges_.at(index), g()));
}
int ClusterGraph::link_target(int index) const {
  return int(boost::target(edges_.at(index), g()));
}

std::vector<Route> ClusterGraph::routes_from(int src_device) const {
  const int n = vertex_count();
  const int source = vertex_of_device(src_device);
  std::vector<std::int64_t> weight(edges_.size());
  for (std::size_t i = 0; i < edges_.size(); ++i) weight[i] = hop_key(g()[edges_[i]].latency);
  const auto weight_of = boost::make_function_property_map<Edge, std::int64_t>(
      [&](const Edge& e) { return weight[g()[e].index]; });
  std::vector<std::int64_t> dist(n, kInfinity);
  boost::dijkstra_shortest_paths(g(), source,
                                 boost::weight_map(weight_of)
                                     .distance_map(boost::make_iterator_property_map(
                                         dist.begin(), boost::get(boost::vertex_index, g())))
                                     .distance_inf(kInfinity));

  // Our own predecessor choice instead of Dijkstra's, whose pick among equal keys depends on
  // heap order: the lowest-indexed predecessor on a shortest path, then the lowest edge index.
  std::vector<int> pred(n, -1);
  for (int v = 0; v < n; ++v) {
    if (v == source || dist[v] == kInfinity) continue;
    int best_u = std::numeric_limits<int>::max();
    for (auto [it, end] = boost::in_edges(v, g()); it != end; ++it) {
      const int u = int(boost::source(*it, g()));
      const int idx = g()[*it].index;
      if (dist[u] == kInfinity || dist[u] + weight[idx] != dist[v]) continue;
      if (u < best_u || (u == best_u && idx < pred[v])) {
        best_u = u;
        pred[v] = idx;
      }
    }
  }

  std::vector<Route> out(device_vertex_.size());
  for (std::size_t d = 0; d < device_vertex_.size(); ++d) {
    Route& r = out[d];
    r.bottleneck = BytesPerSec(std::numeric_limits<double>::infinity());
    const int target = device_vertex_[d];
    if (target != source && dist[target] == kInfinity) {
      r.latency = Seconds(std::numeric_limits<double>::infinity());
      continue;
    }
    for (int v = target; v != source; v = link_source(pred[v])) r.hops.push_back(pred[v]);
    std::reverse(r.hops.begin(), r.hops.end());
    for (int e : r.hops) {
      const LinkInfo& l = link(e);
      r.latency += l.latency;
      r.bottleneck = std::min(r.bottleneck, l.bandwidth);
    }
  }
  return out;
}

const Route& ClusterGraph::route(int src_device, int dst_device) const {
  if (src_device < 0 || src_device >= device_count() || dst_device < 0 ||
      dst_device >= device_count()) {
    throw std::out_of_range("topology device index");
  }
  const std::vector<Route>* table = nullptr;
  {
    std::lock_guard lock(routes_->mutex);
    auto& cache = routes_->by_source;
    if (cache.size() != device_vertex_.size()) cache.resize(device_vertex_.size());
    if (!cache[src_device]) {
      cache[src_device] = std::make_unique<const std::vector<Route>>(routes_from(src_device));
    }
    table = cache[src_device].get();
  }
  const Route& r = (*table)[dst_device];
  if (src_device != dst_device && r.hops.empty()) {
    throw ConfigError("no route from device '" + g()[vertex_of_device(src_device)].name +
                      "' to device '" + g()[vertex_of_device(dst_device)].name + "'");
  }
  return r;
}

std::vector<std::pair<int, LinkInfo>> ClusterGraph::route_links(int src_device,
                                                                int dst_device) const {
  std::vector<std::pair<int, LinkInfo>> out;
  for (int e : route(src_device, dst_device).hops) out.emplace_back(e, link(e));
  return out;
}

double ClusterGraph::bisection_bandwidth() const {
  const int devices = device_count();
  if (devices < 2) return 0.0;
  using Traits = boost::adjacency_list_traits<boost::vecS, boost::vecS, boost::directedS>;
  using FlowGraph = boost::adjacency_list<
      boost::vecS, boost::vecS, boost::directedS, boost::no_property,
      boost::property<
          boost::edge_capacity_t, std::int64_t,
          boost::property<boost::edge_residual_capacity_t, std::int64_t,
                          boost::property<boost::edge_reverse_t, Traits::edge_descriptor>>>>;
  const int n = vertex_count();
  FlowGraph flow(n + 2);
  auto capacity = boost::get(boost::edge_capacity, flow);
  auto reverse = boost::get(boost::edge_reverse, flow);
  // push-relabel needs a zero-capacity reverse arc beside every arc; our two directions of a
  // duplex link stay two independent arcs, each with its own reverse.
  auto add_arc = [&](int u, int v, std::int64_t cap) {
    const auto e = boost::add_edge(u, v, flow).first;
    const auto r = boost::add_edge(v, u, flow).first;
    capacity[e] = cap;
    capacity[r] = 0;
    reverse[e] = r;
    reverse[r] = e;
  };
  // Integer capacities (1 B/s resolution) keep push-relabel exact; doubles can cycle on rounding.
  std::int64_t total = 1;
  for (int i = 0; i < link_count(); ++i) {
    const std::int64_t cap = std::llround(link(i).bandwidth.value());
    total += cap;
    add_arc(link_source(i), link_target(i), cap);
  }
  const int super_source = n;
  const int super_sink = n + 1;
  for (int d = 0; d < devices; ++d) {
    if (d < devices / 2) {
      add_arc(super_source, vertex_of_device(d), total);
    } else {
      add_arc(vertex_of_device(d), super_sink, total);
    }
  }
  return double(boost::push_relabel_max_flow(flow, super_source, super_sink));
}

std::string ClusterGraph::to_dot() const {
  std::ostringstream o;
  o << "graph cluster {\n";
  for (int v = 0; v < vertex_count(); ++v) {
    const VertexInfo& info = g()[v];
    const char* shape = info.kind == VertexKind::kDevice ? "box"
                        : info.kind == VertexKind::kNic  ? "ellipse"
                                                         : "diamond";
    o << "  " << quoted(info.name) << " [shape=" << shape << "];\n";
  }
  for (int i = 0; i < link_count(); i += 2) {
    const LinkInfo& l = link(i);
    o << "  " << quoted(g()[link_source(i)].name) << " -- "
      << quoted(g()[link_target(i)].name) << " [label="
      << quoted(l.kind + " " + format_quantity(l.bandwidth.value(), Dimension::kBandwidth) + " " +
                format_quantity(l.latency.value(), Dimension::kTime))
      << "];\n";
  }
  o << "}\n";
  return o.str();
}

}  // namespace moesim
