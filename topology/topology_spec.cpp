#include "topology/topology_spec.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <optional>
#include <utility>

#include "models/errors.hpp"

namespace moesim {
namespace {

using Item = TopologyProblem::Item;

// (node, local) from "n<node>.d<local>" written canonically (no sign, no leading zero), so that
// one device has exactly one spelling and `--route n0.d1,...` finds it.
std::optional<std::pair<int, int>> parse_device_name(const std::string& name) {
  auto number = [&](std::size_t& i) -> std::optional<int> {
    const std::size_t start = i;
    long long v = 0;
    while (i < name.size() && name[i] >= '0' && name[i] <= '9' && i - start < 9) {
      v = v * 10 + (name[i] - '0');
      ++i;
    }
    if (i == start || (name[start] == '0' && i - start > 1)) return std::nullopt;
    return int(v);
  };
  std::size_t i = 0;
  if (name.empty() || name[i++] != 'n') return std::nullopt;
  const auto node = number(i);
  if (!node || name.compare(i, 2, ".d") != 0) return std::nullopt;
  i += 2;
  const auto local = number(i);
  if (!local || i != name.size()) return std::nullopt;
  return std::make_pair(*node, *local);
}

// "'n<node>.d<local>'", appended piece by piece: `"'" + std::string` trips GCC 12's false
// -Wrestrict.
std::string quoted_device(int node, int local) {
  std::string s = "'n";
  s += std::to_string(node);
  s += ".d";
  s += std::to_string(local);
  s += '\'';
  return s;
}

// Union-find over vertex indices, for the connectivity check.
struct Components {
  std::vector<std::size_t> parent;
  explicit Components(std::size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0); }
  std::size_t root(std::size_t v) {
    while (parent[v] != v) v = parent[v] = parent[parent[v]];
    return v;
  }
  void join(std::size_t a, std::size_t b) { parent[root(a)] = root(b); }
};

class SpecChecker {
 public:
  SpecChecker(const TopologySpec& s, const VertexNameHint& hint) : s_(s), hint_(hint) {}

  std::vector<TopologyProblem> run() {
    if (s_.vertices.size() > (std::size_t(1) << 20)) {
      add(Item::kSpec, 0, "vertices", "more than 2^20 vertices");
      return out_;
    }
    names();
    devices();
    links();
    if (out_.empty()) connected();
    return out_;
  }

 private:
  void add(Item item, std::size_t index, std::string field, std::string message) {
    out_.push_back({item, index, std::move(field), std::move(message)});
  }

  void names() {
    for (std::size_t i = 0; i < s_.vertices.size(); ++i) {
      const std::string& n = s_.vertices[i].name;
      if (n.empty()) {
        add(Item::kVertex, i, "name", "empty name");
        continue;
      }
      const auto [it, fresh] = index_.emplace(n, i);
      if (!fresh) {
        add(Item::kVertex, i, "name",
            "duplicate name '" + n + "' (also vertices[" + std::to_string(it->second) + "])");
      }
    }
  }

  // Node-major order is what makes device d vertex d and device d / G of node d / G, the
  // convention every consumer of the graph (placement, SimGrid hosts, collectives) relies on.
  void devices() {
    bool named = true;
    std::vector<std::pair<std::size_t, std::pair<int, int>>> devs;  // vertex index, (node, local)
    for (std::size_t i = 0; i < s_.vertices.size(); ++i) {
      const auto& v = s_.vertices[i];
      if (v.kind != VertexKind::kDevice || v.name.empty()) continue;
      const auto nl = parse_device_name(v.name);
      if (!nl) {
        add(Item::kVertex, i, "name",
            "a device is named n<node>.d<local> (n0.d0, n0.d1, ..., n1.d0, ...), got '" + v.name +
                "'");
        named = false;
        continue;
      }
      if (v.node >= 0 && v.node != nl->first) {
        add(Item::kVertex, i, "node",
            "device '" + v.name + "' is on node " + std::to_string(nl->first) +
                " (from its name), not " + std::to_string(v.node));
      }
      devs.emplace_back(i, *nl);
    }
    bool any = false;
    for (const auto& v : s_.vertices) any = any || v.kind == VertexKind::kDevice;
    if (!any) add(Item::kSpec, 0, "vertices", "no device: list at least one vertex of kind device");
    if (!named || devs.empty()) return;
    std::pair<int, int> prev{-1, -1};
    for (const auto& [i, nl] : devs) {
      const bool ok = prev.first < 0 ? nl == std::make_pair(0, 0)
                                     : nl == std::make_pair(prev.first, prev.second + 1) ||
                                           nl == std::make_pair(prev.first + 1, 0);
      if (!ok) {
        std::string expected = quoted_device(0, 0);
        if (prev.first >= 0) {
          expected = quoted_device(prev.first, prev.second + 1);
          expected += " or ";
          expected += quoted_device(prev.first + 1, 0);
        }
        add(Item::kVertex, i, "name",
            "devices are listed node-major: expected " + expected + " here, got '" +
                s_.vertices[i].name + "'");
        return;
      }
      prev = nl;
    }
    std::vector<int> per_node(std::size_t(prev.first) + 1, 0);
    for (const auto& d : devs) per_node[std::size_t(d.second.first)] += 1;
    for (const auto& [i, nl] : devs) {
      const int count = per_node[std::size_t(nl.first)];
      if (nl.second == 0 && count != per_node[0]) {
        add(Item::kVertex, i, "name",
            "node " + std::to_string(nl.first) + " has " + std::to_string(count) + " device" +
                (count == 1 ? "" : "s") + ", node 0 has " + std::to_string(per_node[0]) +
                ": every node needs the same number");
      }
    }
    nodes_ = prev.first + 1;
    for (std::size_t i = 0; i < s_.vertices.size(); ++i) {
      const auto& v = s_.vertices[i];
      if (v.kind != VertexKind::kDevice && v.node >= nodes_) {
        add(Item::kVertex, i, "node",
            "node " + std::to_string(v.node) + " has no device (the devices are on nodes 0.." +
                std::to_string(nodes_ - 1) + ")");
      }
    }
    first_device_ = devs.front().first;
  }

  void endpoint(std::size_t k, const char* field, const std::string& name) {
    if (index_.count(name)) return;
    std::string msg = "unknown vertex '" + name + "'";
    if (hint_) {
      std::vector<std::string> all;
      for (const auto& [n, i] : index_) all.push_back(n);
      const std::string h = hint_(name, all);
      if (!h.empty()) msg += "; " + h;
    }
    add(Item::kLink, k, field, msg);
  }

  void links() {
    for (std::size_t k = 0; k < s_.links.size(); ++k) {
      const auto& l = s_.links[k];
      endpoint(k, "a", l.a);
      endpoint(k, "b", l.b);
      if (l.a == l.b) add(Item::kLink, k, "b", "a link cannot join '" + l.a + "' to itself");
      if (!(l.bandwidth.value() > 0) || !std::isfinite(l.bandwidth.value())) {
        add(Item::kLink, k, "bandwidth", "bandwidth must be positive and finite");
      }
      // The bound of ClusterGraph::add_duplex_link (integer Dijkstra keys).
      if (!(l.latency.value() >= 0 && l.latency.value() <= 1e3)) {
        add(Item::kLink, k, "latency", "latency must be in [0 s, 1000 s]");
      }
    }
  }

  // Routes must exist between every pair of devices; links are duplex, so it is enough that every
  // device shares a component with the first.
  void connected() {
    Components c(s_.vertices.size());
    for (const auto& l : s_.links) c.join(index_.at(l.a), index_.at(l.b));
    const std::size_t home = c.root(first_device_);
    std::map<std::size_t, std::pair<std::size_t, int>> cut;  // root -> (first device, count)
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < s_.vertices.size(); ++i) {
      if (s_.vertices[i].kind != VertexKind::kDevice) continue;
      const std::size_t r = c.root(i);
      if (r == home) continue;
      auto [it, fresh] = cut.emplace(r, std::make_pair(i, 0));
      if (fresh) order.push_back(r);
      it->second.second += 1;
    }
    for (std::size_t r : order) {
      const auto [i, count] = cut.at(r);
      std::string msg = "no chain of links joins device '" + s_.vertices[i].name + "' to device '" +
                        s_.vertices[first_device_].name + "'";
      if (count > 1) {
        msg += " (" + std::to_string(count - 1) + " more device" + (count > 2 ? "s are" : " is") +
               " cut off with it)";
      }
      add(Item::kVertex, i, "", msg);
    }
  }

  const TopologySpec& s_;
  const VertexNameHint& hint_;
  std::map<std::string, std::size_t> index_;  // vertex name -> first index
  std::size_t first_device_ = 0;
  int nodes_ = 0;
  std::vector<TopologyProblem> out_;
};

}  // namespace

int TopologySpec::devices() const {
  int n = 0;
  for (const auto& v : vertices) n += v.kind == VertexKind::kDevice ? 1 : 0;
  return n;
}

int TopologySpec::nodes() const {
  int n = 0;
  for (const auto& v : vertices) {
    if (v.kind != VertexKind::kDevice) continue;
    if (const auto nl = parse_device_name(v.name)) n = std::max(n, nl->first + 1);
  }
  return n;
}

int TopologySpec::devices_per_node() const {
  const int n = nodes();
  return n > 0 ? devices() / n : 0;
}

std::vector<TopologyProblem> check_topology_spec(const TopologySpec& spec,
                                                 const VertexNameHint& hint) {
  return SpecChecker(spec, hint).run();
}

std::string topology_problem_path(const TopologyProblem& p) {
  std::string at;
  if (p.item == TopologyProblem::Item::kVertex) at = "vertices[" + std::to_string(p.index) + "]";
  if (p.item == TopologyProblem::Item::kLink) at = "links[" + std::to_string(p.index) + "]";
  if (!p.field.empty()) at += (at.empty() ? "" : ".") + p.field;
  return at;
}

ClusterGraph build_topology(const TopologySpec& spec) {
  const auto problems = check_topology_spec(spec);
  if (!problems.empty()) {
    std::string msg = "topology:";
    for (const auto& p : problems) {
      msg += ' ';
      msg += topology_problem_path(p);
      msg += ": " + p.message + ";";
    }
    throw ConfigError(msg);
  }
  ClusterGraph g;
  std::map<std::string, int> vertex;
  for (const bool devices : {true, false}) {
    for (const auto& v : spec.vertices) {
      if ((v.kind == VertexKind::kDevice) != devices) continue;
      const int node = devices ? parse_device_name(v.name)->first : v.node;
      vertex[v.name] = g.add_vertex(v.name, v.kind, node);
    }
  }
  for (const auto& l : spec.links) {
    g.add_duplex_link(vertex.at(l.a), vertex.at(l.b), l.bandwidth, l.latency, l.kind);
  }
  return g;
}

}  // namespace moesim
