#include "scenarios/sweep_loader.hpp"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "scenarios/loader.hpp"
#include "scenarios/overrides.hpp"
#include "scenarios/scenario.hpp"
#include "scenarios/sweep_capacity.hpp"
#include "scenarios/topology_file.hpp"
#include "scenarios/yaml_reader.hpp"

namespace moesim {
namespace {

namespace fs = std::filesystem;

std::string place(const std::string& file, const YAML::Mark& m) {
  if (m.line < 0) return file;
  return file + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1);
}

// A list element as `--set path=value` should receive it: scalars as written, maps and lists in
// YAML flow form ("{name: iid, alpha: 0.7}").
std::string value_text(const YAML::Node& n) {
  if (n.IsScalar()) return n.Scalar();
  YAML::Emitter em;
  em.SetMapFormat(YAML::Flow);
  em.SetSeqFormat(YAML::Flow);
  em << n;
  return em.c_str();
}

// A path as a YAML scalar that reads back as itself.
std::string quoted_path(const std::string& p) {
  if (p.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./+-") ==
      std::string::npos) {
    return p;
  }
  std::string out = "'";
  for (char c : p) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

std::string absolute_from(const std::string& base_dir, const std::string& p) {
  const fs::path path(p);
  if (path.is_absolute()) return p;
  return fs::absolute(fs::path(base_dir) / path).lexically_normal().string();
}

// Every scalar `path` under the workload section, relative ones made absolute, as --set text.
void workload_paths(const YAML::Node& n, const std::string& at, const std::string& base_dir,
                    std::vector<std::string>& out) {
  if (!n.IsMap()) return;
  for (const auto& kv : n) {
    const std::string key = kv.first.Scalar();
    const std::string here = at + "." + key;
    if (key == "path" && kv.second.IsScalar() && fs::path(kv.second.Scalar()).is_relative()) {
      out.push_back(here + "=" + quoted_path(absolute_from(base_dir, kv.second.Scalar())));
    } else {
      workload_paths(kv.second, here, base_dir, out);
    }
  }
}

// A topology file in the base scenario: its path made absolute for the points (run from the
// sweep's folder), and its shape as the base of `devices`; problems in it are reported now.
void topology_file(const YAML::Node& cluster, const std::string& file, const std::string& base_dir,
                   ReadContext& ctx, SweepFile& out) {
  if (!cluster.IsMap()) return;
  // A missing key of a const node is invalid: ask IsDefined before anything else.
  const YAML::Node key = cluster["topology_file"];
  if (!key.IsDefined() || !key.IsScalar()) return;
  const std::string written = key.Scalar();
  out.base_overrides.push_back("cluster.topology_file=" +
                               quoted_path(absolute_from(base_dir, written)));
  MapReader r(cluster, "cluster", file, ctx);
  const std::string path = resolve_topology_path(base_dir, written);
  if (auto spec = read_topology_file(r, "topology_file", path)) {
    out.spec.base_values["cluster.nodes"] = std::to_string(spec->nodes());
    out.spec.base_values["cluster.devices_per_node"] = std::to_string(spec->devices_per_node());
  }
}

class SweepReader {
 public:
  SweepReader(SweepFile& out, const std::string& file, const std::string& base_dir,
              ReadContext& ctx)
      : out_(out), file_(file), base_dir_(base_dir), ctx_(ctx) {}

  void read(MapReader& sweep, const YAML::Node& node) {
    const YAML::Node grid = sweep.raw("grid"), zip = sweep.raw("zip");
    const YAML::Node derived = sweep.raw("derived"), filters = sweep.raw("filters");
    if (auto capacity = sweep.map("capacity", Req::kOptional))
      out_.capacity_args = read_sweep_capacity(*capacity);
    sweep.finish();
    // Sections in the order written, so the columns of results.csv follow the file.
    for (const auto& kv : node) {
      const std::string key = kv.first.Scalar();
      if (key == "grid") axes(grid, "sweep.grid", AxisKind::kGrid);
      if (key == "zip") axes(zip, "sweep.zip", AxisKind::kZip);
      if (key == "derived") axes(derived, "sweep.derived", AxisKind::kDerived);
      if (key == "filters") read_filters(filters);
    }
  }

  // Problems of check_sweep, placed. Axes that failed to read stand in with placeholder values
  // (so that expressions naming them do not also fail); their own problems are not repeated.
  void report(const std::vector<SweepProblem>& problems, const YAML::Node& sweep_node) {
    for (const auto& p : problems) {
      if (p.item == SweepProblem::Item::kAxis && broken_[p.index]) continue;
      switch (p.item) {
        case SweepProblem::Item::kAxis:
          add(axis_marks_[p.index], axis_keys_[p.index], p.message);
          break;
        case SweepProblem::Item::kFilter:
          add(filter_marks_[p.index], "sweep.filters[" + std::to_string(p.index) + "]", p.message);
          break;
        case SweepProblem::Item::kSpec:
          add(sweep_node.Mark(), "sweep", p.message);
          break;
      }
    }
  }

 private:
  // A problem at `key`; a key that came from --set is placed at that --set.
  void add(const YAML::Mark& m, const std::string& key, const std::string& message) {
    for (std::string p = key;;) {
      if (const auto it = ctx_.overrides.find(p); it != ctx_.overrides.end()) {
        ctx_.diags->add({it->second, key, message});
        return;
      }
      const auto dot = p.rfind('.');
      if (dot == std::string::npos) break;
      p.resize(dot);
    }
    ctx_.diags->add({place(file_, m), key, message});
  }

  void axes(const YAML::Node& n, const std::string& section, AxisKind kind) {
    if (n.IsNull()) return;
    if (!n.IsMap()) {
      add(n.Mark(), section,
          kind == AxisKind::kDerived
              ? "expected a map of key path -> expression, e.g. {deployment.ep: devices / "
                "deployment.tp}"
              : "expected a map of key path -> list of values, e.g. {deployment.tp: [1, 2, 4]}");
      return;
    }
    for (const auto& kv : n) {
      SweepAxis a;
      a.kind = kind;
      a.path = kv.first.Scalar();
      const std::string key = section + "." + a.path;
      const YAML::Node v = kv.second;
      bool ok = true;
      if (kind == AxisKind::kDerived) {
        if (!v.IsScalar()) {
          add(v.IsDefined() && !v.IsNull() ? v.Mark() : kv.first.Mark(), key,
              "expected an expression such as 'devices / deployment.tp'");
          ok = false;
        } else {
          a.expression = v.Scalar();
        }
      } else if (!v.IsSequence()) {
        add(v.IsDefined() && !v.IsNull() ? v.Mark() : kv.first.Mark(), key,
            "expected a list of values, e.g. [1, 2, 4]");
        ok = false;
      } else {
        for (const auto& item : v) {
          if (item.IsNull()) {
            add(item.Mark(), key, "a value cannot be empty");
            ok = false;
            continue;
          }
          a.values.push_back(value_text(item));
        }
        // A swept trace or length file resolves like one written in the base scenario.
        if ((a.path.rfind("workload.", 0) == 0 && a.path.size() > 5 &&
             a.path.compare(a.path.size() - 5, 5, ".path") == 0) ||
            a.path == "cluster.topology_file") {
          for (auto& x : a.values) x = quoted_path(absolute_from(base_dir_, x));
        }
      }
      if (!ok) {
        a.values.assign(1, "0");
        a.expression = "0";
      }
      out_.spec.axes.push_back(std::move(a));
      axis_marks_.push_back(kv.first.Mark());
      axis_keys_.push_back(key);
      broken_.push_back(!ok);
    }
  }

 public:
  // Where axis `i` is written ("FILE:LINE:COL").
  [[nodiscard]] std::string axis_place(std::size_t i) const { return place(file_, axis_marks_[i]); }

  // A zip axis that failed to read takes the length of a good one, so that it causes no
  // "unequal lengths" report of its own.
  void size_placeholders() {
    std::size_t zip_len = 0;
    for (std::size_t i = 0; i < broken_.size(); ++i) {
      if (!broken_[i] && out_.spec.axes[i].kind == AxisKind::kZip) {
        zip_len = out_.spec.axes[i].values.size();
        break;
      }
    }
    for (std::size_t i = 0; i < broken_.size(); ++i) {
      if (broken_[i] && zip_len > 0) out_.spec.axes[i].values.assign(zip_len, "0");
    }
  }

 private:
  void read_filters(const YAML::Node& n) {
    if (n.IsNull()) return;
    if (!n.IsSequence()) {
      add(n.Mark(), "sweep.filters",
          "expected a list of comparisons, e.g. [\"deployment.tp * deployment.ep <= 8\"]");
      return;
    }
    for (const auto& f : n) {
      if (!f.IsScalar()) {
        add(f.Mark(), "sweep.filters", "expected a comparison such as 'deployment.tp <= 8'");
        continue;
      }
      out_.spec.filters.push_back(f.Scalar());
      filter_marks_.push_back(f.Mark());
    }
  }

  SweepFile& out_;
  const std::string& file_;
  const std::string& base_dir_;
  ReadContext& ctx_;
  std::vector<YAML::Mark> axis_marks_, filter_marks_;
  std::vector<std::string> axis_keys_;
  std::vector<bool> broken_;
};

// Reads the base scenario with each grid and zip value in turn (the other axes at their first
// value; derived axes at point 0's value when it has one) and adds each distinct problem once.
// A problem at a swept path is placed at that axis in the sweep section. Cross-checks are left
// to the points: a layout that does not fit is a point's own `invalid` result.
template <class Reader>
void check_base_and_axes(const std::string& text, const std::vector<std::string>& overrides,
                         const SweepSpec& spec, const Reader& reader, const std::string& file,
                         const std::string& base_dir, ReadContext& ctx) {
  const SweepPoint first = sweep_point(spec, 0);
  std::vector<std::string> firsts(spec.axes.size());
  for (std::size_t i = 0; i < spec.axes.size(); ++i) {
    if (spec.axes[i].kind != AxisKind::kDerived) {
      firsts[i] = spec.axes[i].values.front();
    } else {
      for (const auto& [path, value] : first.values) {
        if (path == spec.axes[i].path) firsts[i] = value;
      }
    }
  }
  // The diagnostics of the base with axis values `vals` (empty: the base's own value).
  const auto errors_for = [&](const std::vector<std::string>& vals) {
    // Parsed afresh each time (a clone would lose the line numbers).
    YAML::Node base = YAML::Load(text);
    Diagnostics d;
    ReadContext c{&d, {}};
    apply_overrides(base, overrides, c);
    base.remove("sweep");
    std::vector<std::string> sets;
    for (std::size_t i = 0; i < spec.axes.size(); ++i) {
      if (!vals[i].empty()) sets.push_back(spec.axes[i].path + "=" + vals[i]);
    }
    apply_overrides(base, sets, c);
    for (std::size_t i = 0; i < spec.axes.size(); ++i) {
      if (c.overrides.count(spec.axes[i].path)) c.overrides[spec.axes[i].path] = reader.axis_place(i);
    }
    check_scenario_sections(base, file, base_dir, c);
    return d;
  };
  std::set<std::string> seen;
  const auto report = [&](const Diagnostics& d) {
    for (const auto& item : d.items()) {
      if (seen.insert(item.text()).second) ctx.diags->add(item);
    }
  };
  report(errors_for(firsts));
  for (std::size_t i = 0; i < spec.axes.size(); ++i) {
    if (spec.axes[i].kind == AxisKind::kDerived) continue;
    for (std::size_t j = 1; j < spec.axes[i].values.size(); ++j) {
      std::vector<std::string> vals = firsts;
      vals[i] = spec.axes[i].values[j];
      const Diagnostics d = errors_for(vals);
      if (d.empty()) continue;
      // A value that only clashes with the other axes' first values (e.g. MoE groups that must
      // divide a swept top_k) is a combination: its points are recorded invalid when they run.
      // It is an error here only if no other value of any one other axis makes it valid.
      bool valid_somewhere = false;
      for (std::size_t k = 0; k < spec.axes.size() && !valid_somewhere; ++k) {
        if (k == i || spec.axes[k].kind == AxisKind::kDerived) continue;
        for (std::size_t v = 1; v < spec.axes[k].values.size() && !valid_somewhere; ++v) {
          std::vector<std::string> other = vals;
          other[k] = spec.axes[k].values[v];
          valid_somewhere = errors_for(other).empty();
        }
      }
      if (!valid_somewhere) report(d);
    }
  }
}

bool is_blank_or_comment(const std::string& line) {
  const auto p = line.find_first_not_of(" \t\r\n");
  return p == std::string::npos || line[p] == '#';
}

bool is_top_level_key(const std::string& line) {
  return !is_blank_or_comment(line) && line[0] != ' ' && line[0] != '\t';
}

}  // namespace

std::string strip_sweep_section(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    if (end == std::string::npos) {
      lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, end + 1 - start));
    start = end + 1;
  }
  std::size_t first = lines.size();
  for (std::size_t i = 0; i < lines.size() && first == lines.size(); ++i) {
    const std::string& l = lines[i];
    if (l.rfind("sweep", 0) != 0) continue;
    const auto colon = l.find_first_not_of(" \t", 5);
    if (colon != std::string::npos && l[colon] == ':' &&
        (colon + 1 == l.size() || std::isspace(static_cast<unsigned char>(l[colon + 1])))) {
      first = i;
    }
  }
  if (first == lines.size()) return text;
  std::size_t last = first + 1;
  while (last < lines.size() && !is_top_level_key(lines[last])) ++last;
  // Comments and blank lines at column 0 right before the next key belong to that key.
  while (last > first + 1 && last < lines.size() && is_blank_or_comment(lines[last - 1]) &&
         lines[last - 1][0] != ' ' && lines[last - 1][0] != '\t') {
    --last;
  }
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i < first || i >= last) out += lines[i];
  }
  return out;
}

SweepFile load_sweep_text(const std::string& text, const std::string& display_name,
                          const std::string& base_dir, const std::vector<std::string>& overrides) {
  Diagnostics diags;
  ReadContext ctx{&diags, {}};
  const std::optional<YAML::Node> parsed = parse_yaml(text, display_name, diags);
  if (!parsed) throw ScenarioError(diags);
  YAML::Node root = *parsed;
  if (!root.IsMap()) {
    diags.add(
        {display_name, "", "a sweep file must be a map of sections (name, model, ..., sweep)"});
    throw ScenarioError(diags);
  }
  const std::size_t sections = root.size();
  apply_overrides(root, overrides, ctx);
  SweepFile out;
  out.base_overrides = overrides;
  const YAML::Node name = root["name"];
  if (!name.IsDefined() || !name.IsScalar() || name.Scalar().empty()) {
    diags.add({display_name, "", "missing required key 'name'"});
  } else {
    out.name = name.Scalar();
  }
  const YAML::Node sweep = root["sweep"];
  if (!sweep.IsDefined() || sweep.IsNull()) {
    diags.add({display_name, "sweep",
               "a sweep file needs a 'sweep:' section with 'grid', 'zip', 'derived' or 'filters'"});
    throw ScenarioError(diags);
  }
  MapReader sr(sweep, "sweep", display_name, ctx);
  if (!sr.valid()) throw ScenarioError(diags);
  SweepReader reader(out, display_name, base_dir, ctx);
  reader.read(sr, sweep);
  // `devices` falls back on the base scenario's cluster (or its topology file), with the
  // scenario's own defaults.
  const ClusterConfig defaults;
  out.spec.base_values["cluster.nodes"] = std::to_string(defaults.nodes);
  out.spec.base_values["cluster.devices_per_node"] = std::to_string(defaults.devices_per_node);
  const YAML::Node cluster = root["cluster"];
  topology_file(cluster, display_name, base_dir, ctx, out);
  for (const char* k : {"nodes", "devices_per_node"}) {
    if (cluster.IsMap() && cluster[k].IsDefined() && cluster[k].IsScalar()) {
      out.spec.base_values[std::string("cluster.") + k] = cluster[k].Scalar();
    }
  }
  reader.size_placeholders();
  const bool structure_ok = diags.empty();
  std::vector<SweepProblem> problems =
      check_sweep(out.spec, [](const std::string& w, const std::vector<std::string>& c) {
        return suggestion_text(w, c);
      });
  // With a section that failed to read, "no axis" or "too many points" would be noise.
  if (!structure_ok) {
    std::erase_if(problems,
                  [](const SweepProblem& p) { return p.item == SweepProblem::Item::kSpec; });
  }
  reader.report(problems, sweep);
  if (root["workload"].IsMap())
    workload_paths(root["workload"], "workload", base_dir, out.base_overrides);
  out.base_text = strip_sweep_section(text);
  // The base must be the file minus exactly its sweep section (a flow-style or indented
  // top-level key would make the line-based cut wrong).
  bool cut_ok = false;
  try {
    const YAML::Node base = YAML::Load(out.base_text);
    cut_ok = base.IsMap() && !base["sweep"].IsDefined() && base.size() + 1 == sections;
  } catch (const YAML::Exception&) {
  }
  if (!cut_ok) {
    diags.add({place(display_name, sweep.Mark()), "sweep",
               "write 'sweep:' at the start of a line, as a top-level key of a block-style file"});
  }
  // The base scenario and every swept value, read once now against the user's file (a typo
  // would otherwise make every point invalid, each naming the folder's copy, base.yaml).
  if (diags.empty()) {
    check_base_and_axes(text, overrides, out.spec, reader, display_name, base_dir, ctx);
  }
  if (!diags.empty()) throw ScenarioError(diags);
  return out;
}

SweepFile load_sweep_file(const std::string& path, const std::vector<std::string>& overrides) {
  const std::string text = read_yaml_file(path, "sweep file");
  const auto dir = fs::path(path).parent_path().string();
  return load_sweep_text(text, path, dir.empty() ? "." : dir, overrides);
}

}  // namespace moesim
