#include "scenarios/validation_manifest.hpp"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "analysis/sweep_expr.hpp"
#include "scenarios/diagnostics.hpp"
#include "scenarios/yaml_reader.hpp"

namespace moesim {
namespace {

namespace fs = std::filesystem;

bool valid_id(const std::string& id) {
  return !id.empty() &&
         id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789._-") == std::string::npos;
}

// A list of "path=value" strings; reports a non-list or an item without '='.
std::vector<std::string> read_sets(MapReader& r, const YAML::Node& node, const std::string& key) {
  std::vector<std::string> out;
  if (!node.IsSequence()) {
    r.error_at(node, key, "expected a list of path=value overrides, e.g. [deployment.tp=4]");
    return out;
  }
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string item_key = key + "[" + std::to_string(i) + "]";
    if (!node[i].IsScalar() || node[i].Scalar().find('=') == std::string::npos ||
        node[i].Scalar().front() == '=') {
      r.error_at(node[i], item_key, "expected path=value, e.g. deployment.tp=4");
      continue;
    }
    out.push_back(node[i].Scalar());
  }
  return out;
}

void read_figure(MapReader& r, const std::string& base_dir, ValidationFigure& f) {
  r.text("id", f.id, Req::kRequired);
  if (r.has("id") && !valid_id(f.id))
    r.error("id", "expected lower-case letters, digits, '.', '_' or '-', got '" + f.id + "'");
  if (r.text("scenario", f.scenario, Req::kRequired)) {
    fs::path p(f.scenario);
    if (p.is_relative()) p = fs::path(base_dir) / p;
    f.scenario = p.lexically_normal().string();
    if (!fs::is_regular_file(f.scenario)) r.error("scenario", "no such file: " + f.scenario);
  }
  if (r.has("set"))
    f.set = read_sets(r, r.raw("set"), r.child_path("set"));
  else
    r.raw("set");
  if (r.has("peak_over")) {
    const YAML::Node po = r.raw("peak_over");
    const std::string key = r.child_path("peak_over");
    if (!po.IsSequence() || po.size() == 0) {
      r.error_at(po, key, "expected a non-empty list of override lists, e.g. [[a=1], [a=2]]");
    } else {
      for (std::size_t i = 0; i < po.size(); ++i)
        f.peak_over.push_back(read_sets(r, po[i], key + "[" + std::to_string(i) + "]"));
    }
  } else {
    r.raw("peak_over");
  }
  if (r.text("metric", f.metric, Req::kRequired)) {
    try {
      const Expression e = Expression::parse(f.metric);
      if (e.is_comparison()) r.error("metric", "expected a value, not a comparison");
    } catch (const ExpressionError& e) {
      r.error("metric", e.what());
    }
  }
  r.number("published", f.published, Req::kRequired, 1e-300, 1e300);
  r.text("unit", f.unit, Req::kRequired);
  r.text("source", f.source, Req::kRequired);
}

}  // namespace

ValidationManifest load_validation_text(const std::string& text, const std::string& display_name,
                                        const std::string& base_dir) {
  Diagnostics diags;
  ValidationManifest m;
  m.file = display_name;
  const auto doc = parse_yaml(text, display_name, diags);
  if (!doc) throw ScenarioError(diags);
  ReadContext ctx;
  ctx.diags = &diags;
  MapReader root(*doc, "", display_name, ctx);
  if (root.valid()) {
    root.number("tolerance", m.tolerance, Req::kOptional, 1e-9, 1.0);
    const YAML::Node figs = root.raw("figures");
    if (!figs.IsDefined() || figs.IsNull()) {
      root.error("figures", "required: a list of published figures");
    } else if (!figs.IsSequence() || figs.size() == 0) {
      root.error_at(figs, "figures", "expected a non-empty list of figures");
    } else {
      std::set<std::string> ids;
      for (std::size_t i = 0; i < figs.size(); ++i) {
        MapReader fr(figs[i], "figures[" + std::to_string(i) + "]", display_name, ctx);
        if (!fr.valid()) continue;
        ValidationFigure f;
        read_figure(fr, base_dir, f);
        fr.finish();
        if (!f.id.empty() && !ids.insert(f.id).second)
          fr.error("id", "duplicate id '" + f.id + "'");
        m.figures.push_back(std::move(f));
      }
    }
    root.finish();
  } else if (!doc->IsDefined() || doc->IsNull()) {
    diags.add({display_name, "", "empty manifest: expected 'figures:'"});
  }
  if (!diags.empty()) throw ScenarioError(diags);
  return m;
}

ValidationManifest load_validation_manifest(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    Diagnostics d;
    d.add({path, "", "cannot open validation manifest"});
    throw ScenarioError(d);
  }
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string dir = fs::path(path).parent_path().string();
  return load_validation_text(ss.str(), path, dir.empty() ? "." : dir);
}

}  // namespace moesim
