#include "scenarios/topology_file.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace moesim {
namespace {

VertexKind vertex_kind(const std::string& k) {
  if (k == "device") return VertexKind::kDevice;
  if (k == "nic") return VertexKind::kNic;
  return VertexKind::kSwitch;
}

class TopologyReader {
 public:
  TopologyReader(const YAML::Node& root, const std::string& file, Diagnostics& diags)
      : ctx_{&diags, {}}, root_(root, "", file, ctx_), file_(file) {}

  std::optional<TopologySpec> read() {
    const std::size_t before = ctx_.diags->size();
    const YAML::Node vertices = list("vertices", "[{name: n0.d0, kind: device}, ...]");
    const YAML::Node links =
        list("links", "[{a: n0.d0, b: n0.sw, bandwidth: 450GB/s, latency: 1us}]");
    root_.finish();
    for (std::size_t i = 0; i < vertices.size(); ++i) vertex(vertices[i], i);
    for (std::size_t i = 0; i < links.size(); ++i) link(links[i], i);
    // The graph checks would only repeat what failed to read (a link to a vertex that did not).
    if (ctx_.diags->size() != before) return std::nullopt;
    const auto hint = [](const std::string& word, const std::vector<std::string>& names) {
      const std::string m = closest_match(word, names);
      return m.empty() ? std::string() : "did you mean '" + m + "'?";
    };
    for (const auto& p : check_topology_spec(spec_, hint)) {
      root_.error_at(place(p, vertices, links), topology_problem_path(p), p.message);
    }
    if (ctx_.diags->size() != before) return std::nullopt;
    return std::move(spec_);
  }

 private:
  // The required list at `key` (an empty node after reporting when absent or not a list).
  YAML::Node list(const std::string& key, const std::string& example) {
    const YAML::Node n = root_.raw(key);
    if (!n.IsDefined() || n.IsNull()) {
      root_.error("", "missing required key '" + key + "'");
      return YAML::Node(YAML::NodeType::Sequence);
    }
    if (!n.IsSequence()) {
      root_.error(key, "expected a list, e.g. " + example);
      return YAML::Node(YAML::NodeType::Sequence);
    }
    return n;
  }

  std::optional<MapReader> entry(const YAML::Node& n, const std::string& path) {
    if (!n.IsMap()) {
      root_.error_at(n, path, "expected a map of keys");
      return std::nullopt;
    }
    return MapReader(n, path, file_, ctx_);
  }

  void vertex(const YAML::Node& n, std::size_t i) {
    auto r = entry(n, "vertices[" + std::to_string(i) + "]");
    if (!r) return;
    TopologySpec::Vertex v;
    std::string kind;
    r->text("name", v.name, Req::kRequired);
    r->choice("kind", kind, {"device", "nic", "switch"}, Req::kRequired);
    v.kind = vertex_kind(kind);
    r->integer("node", v.node, Req::kOptional, 0, 1 << 20);
    r->finish();
    spec_.vertices.push_back(std::move(v));
  }

  void link(const YAML::Node& n, std::size_t i) {
    auto r = entry(n, "links[" + std::to_string(i) + "]");
    if (!r) return;
    TopologySpec::Link l;
    r->text("a", l.a, Req::kRequired);
    r->text("b", l.b, Req::kRequired);
    // At least 1 B/s, as a hardware link's bandwidth (1e-9B/s was accepted).
    r->quantity("bandwidth", l.bandwidth, Dimension::kBandwidth, Req::kRequired, 1.0);
    r->quantity("latency", l.latency, Dimension::kTime, Req::kRequired);
    r->text("kind", l.kind, Req::kOptional);
    r->finish();
    spec_.links.push_back(std::move(l));
  }

  // Every entry read, so spec index i is list element i.
  static YAML::Node place(const TopologyProblem& p, const YAML::Node& vertices,
                          const YAML::Node& links) {
    using Item = TopologyProblem::Item;
    if (p.item == Item::kSpec) return vertices;
    const YAML::Node e = (p.item == Item::kVertex ? vertices : links)[p.index];
    if (!p.field.empty() && e[p.field].IsDefined()) return e[p.field];
    return e;
  }

  ReadContext ctx_;  // its own: the scenario's --set paths do not name keys of this file
  MapReader root_;
  std::string file_;
  TopologySpec spec_;
};

}  // namespace

std::string resolve_topology_path(const std::string& base_dir, const std::string& written) {
  const std::filesystem::path p(written);
  if (p.is_absolute() || base_dir.empty()) return written;
  return (std::filesystem::path(base_dir) / p).lexically_normal().string();
}

std::optional<TopologySpec> read_topology_text(const std::string& text,
                                               const std::string& display_name,
                                               Diagnostics& diags) {
  const std::optional<YAML::Node> parsed = parse_yaml(text, display_name, diags);
  if (!parsed) return std::nullopt;
  const YAML::Node root = *parsed;
  if (!root.IsMap()) {
    diags.add({display_name, "", "a topology file must be a map with 'vertices' and 'links'"});
    return std::nullopt;
  }
  return TopologyReader(root, display_name, diags).read();
}

std::optional<TopologySpec> read_topology_file(MapReader& where, const std::string& key,
                                               const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    where.error(key, "cannot open topology file '" + path + "'");
    return std::nullopt;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  return read_topology_text(buf.str(), path, *where.context().diags);
}

}  // namespace moesim
