#include "scenarios/link_catalog.hpp"

#include <algorithm>

#include "models/comm_efficiency_link_class.hpp"
#include "scenarios/catalog.hpp"

namespace moesim {
namespace {

// eta knots written as a map "SIZE: eta" (sizes with units, strictly increasing).
void read_curve(MapReader& r, const std::string& key, EfficiencyKnots& out) {
  const YAML::Node n = r.raw(key);
  const std::string path = r.child_path(key);
  if (!n.IsDefined() || n.IsNull()) {
    r.error("", "missing required key '" + key + "'");
    return;
  }
  if (!n.IsMap() || n.size() == 0) {
    r.error_at(n, path, "expected a map 'SIZE: efficiency' (e.g. '1MiB: 0.5')");
    return;
  }
  EfficiencyKnots k;
  for (const auto& kv : n) {
    const std::string size_text = kv.first.Scalar();
    const ParsedQuantity q = parse_quantity(size_text, Dimension::kBytes);
    if (!q.value || !(*q.value > 0)) {
      r.error_at(kv.first, path, "'" + size_text + "': " + (q.value ? "must be > 0" : q.error));
      return;
    }
    double eta = 0;
    try {
      eta = kv.second.as<double>();
    } catch (const YAML::Exception&) {
      eta = -1;
    }
    if (!(eta > 0 && eta <= 1)) {
      r.error_at(kv.second, path + "." + size_text, "efficiency must be a number in (0, 1]");
      return;
    }
    if (!k.sizes.empty() && !(*q.value > k.sizes.back())) {
      r.error_at(kv.first, path, "sizes must be strictly increasing");
      return;
    }
    k.sizes.push_back(*q.value);
    k.eta.push_back(eta);
  }
  out = std::move(k);
}

void read_library(MapReader& r, LinkClassFigures& f) {
  auto lib = r.map("library", Req::kRequired);
  if (!lib) return;
  if (auto o = lib->map("overhead", Req::kRequired)) {
    o->quantity("all_reduce", f.overhead_all_reduce, Dimension::kTime, Req::kRequired);
    o->quantity("all_gather", f.overhead_all_gather, Dimension::kTime, Req::kRequired);
    o->quantity("reduce_scatter", f.overhead_reduce_scatter, Dimension::kTime, Req::kRequired);
    o->quantity("all_to_all", f.overhead_all_to_all, Dimension::kTime, Req::kRequired);
    o->finish();
  }
  lib->quantity("step_latency", f.step_latency, Dimension::kTime, Req::kRequired);
  lib->boolean("tree", f.tree, Req::kRequired);
  read_curve(*lib, "efficiency", f.library_eta);
  lib->finish();
}

void read_custom(MapReader& r, LinkClassFigures& f) {
  auto c = r.map("custom_all_reduce", Req::kOptional);
  f.custom_all_reduce = c.has_value();
  if (!c) return;
  c->quantity("max_bytes", f.custom_max_bytes, Dimension::kBytes, Req::kRequired, 1.0);
  c->quantity("overhead_one_shot", f.overhead_one_shot, Dimension::kTime, Req::kRequired);
  c->quantity("overhead_two_shot", f.overhead_two_shot, Dimension::kTime, Req::kRequired);
  const YAML::Node groups = c->raw("groups");
  if (!groups.IsSequence() || groups.size() == 0) {
    c->error("groups", "expected a list of group sizes (e.g. [2, 4, 6, 8])");
  } else {
    for (const auto& g : groups) {
      int v = 0;
      try {
        v = g.as<int>();
      } catch (const YAML::Exception&) {
      }
      if (v < 2) c->error_at(g, c->child_path("groups"), "group sizes must be integers >= 2");
      else f.custom_groups.push_back(v);
    }
  }
  const YAML::Node limits = c->raw("one_shot_max_bytes");
  if (limits.IsDefined() && !limits.IsMap()) {
    c->error("one_shot_max_bytes", "expected a map 'GROUP: SIZE' (e.g. '4: 512KiB')");
  } else if (limits.IsDefined()) {
    for (const auto& kv : limits) {
      int g = 0;
      try {
        g = kv.first.as<int>();
      } catch (const YAML::Exception&) {
      }
      const ParsedQuantity q = parse_quantity(kv.second.Scalar(), Dimension::kBytes);
      if (g < 2 || !q.value) {
        c->error_at(kv.first, c->child_path("one_shot_max_bytes"),
                    g < 2 ? "group sizes must be integers >= 2" : q.error);
        continue;
      }
      f.one_shot_max_bytes.emplace_back(g, *q.value);
    }
    std::sort(f.one_shot_max_bytes.begin(), f.one_shot_max_bytes.end());
  }
  read_curve(*c, "efficiency", f.custom_eta);
  c->finish();
}

}  // namespace

void read_link_class(MapReader& link, LinkClassFigures& out) {
  std::string name;
  if (!link.choice("class", name, link_class_names(), Req::kOptional)) return;
  const auto path = catalog_path(CatalogKind::kLinks, name);
  if (!path) {
    link.error("class", "no link-class file for '" + name + "' in models/catalog/links/");
    return;
  }
  ReadContext& ctx = link.context();
  const std::optional<YAML::Node> parsed = parse_yaml(catalog_text(*path), *path, *ctx.diags);
  if (!parsed) return;
  const YAML::Node node = *parsed;
  LinkClassFigures f;
  f.name = name;
  f.source = *path;
  MapReader r(node, "", *path, ctx);
  std::string declared;
  if (r.text("name", declared, Req::kRequired) && declared != name)
    r.error("name", "file of class '" + name + "' declares name '" + declared + "'");
  std::string description;
  r.text("description", description, Req::kOptional);
  read_library(r, f);
  read_custom(r, f);
  r.finish();
  out = std::move(f);
}

void check_link_classes(MapReader& hw_reader, const Hardware& h) {
  if (h.communication_efficiency.name != "link_class") return;
  for (const auto* link : {&h.scale_up, &h.scale_out}) {
    if (!link->figures.name.empty()) continue;
    const char* key = link == &h.scale_up ? "scale_up" : "scale_out";
    const YAML::Node node = hw_reader.raw(key);
    if (node.IsMap() && node["class"]) continue;  // a bad class is reported where it is read
    hw_reader.error_at(node.IsDefined() ? node : hw_reader.raw("name"),
                       hw_reader.child_path(key) + ".class", std::string("missing 'class' (one of nvlink, pcie_switch, pcie_host, "
                                     "infiniband, roce, hccs, ub, ethernet): the link_class "
                                     "communication model prices collectives by it; name the "
                                     "class, or choose `communication_efficiency: constant`"));
  }
}

}  // namespace moesim
