// moesim validation MANIFEST: reproduces the seed papers' published figures. Every figure of the
// manifest (scenarios/validation_manifest.hpp) is one `moesim run` in a child process (SimGrid
// allows one engine per process), or one per `peak_over` entry taking the largest; its metric
// expression is evaluated over the run's summary.json. Prints the published-versus-predicted
// table; with --out writes validation.md and validation.csv (each complete or absent) and keeps
// every run's folder under OUT/runs/<id>[.<k>].
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <optional>

#include "analysis/atomic_file.hpp"
#include "analysis/json_flat.hpp"
#include "analysis/sweep_expr.hpp"
#include "analysis/validation_table.hpp"
#include "cli/args.hpp"
#include "cli/child_run.hpp"
#include "cli/command_specs.hpp"
#include "cli/commands.hpp"
#include "cli/sweep_files.hpp"
#include "models/errors.hpp"
#include "scenarios/loader.hpp"
#include "scenarios/validation_manifest.hpp"

namespace moesim {
namespace {

namespace fs = std::filesystem;

struct RunOutcome {
  std::optional<double> value;
  std::string error;
};

// A --set for the whole table is bad input (exit 2, located at the --set text), not a miss of
// every figure: each scenario that loads with its figure's own overrides must still load with
// the --set overrides after them. A figure whose own overrides fail stays a miss with its reason.
void check_global_sets(const ValidationManifest& m, const std::string& only,
                       const std::vector<std::string>& global) {
  for (const auto& f : m.figures) {
    if (!only.empty() && f.id != only) continue;
    std::vector<std::string> own = f.set;
    if (!f.peak_over.empty()) own.insert(own.end(), f.peak_over.front().begin(), f.peak_over.front().end());
    try {
      (void)load_scenario_file(f.scenario, own);
    } catch (const std::exception&) {
      continue;
    }
    std::vector<std::string> all = own;
    all.insert(all.end(), global.begin(), global.end());
    (void)load_scenario_file(f.scenario, all);  // throws ScenarioError naming the --set
  }
}

// One `moesim run SCENARIO --out DIR --set ...`, stdout and stderr into DIR/log.txt;
// the metric evaluated over DIR/summary.json.
RunOutcome run_one(const std::string& exe, const ValidationFigure& f,
                   const std::vector<std::string>& extra, const std::vector<std::string>& global,
                   const std::string& dir) {
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::vector<std::string> args{"run", f.scenario, "--out", dir};
  for (const auto& s : f.set) args.insert(args.end(), {"--set", s});
  for (const auto& s : extra) args.insert(args.end(), {"--set", s});
  for (const auto& s : global) args.insert(args.end(), {"--set", s});
  const ChildOutcome child = run_moesim_child(exe, args, dir + "/log.txt");
  if (child.exit_status != 0) return {std::nullopt, child.error};
  try {
    const FlatJson flat = flatten_json(read_file(dir + "/summary.json"));
    const Expression e = Expression::parse(f.metric);
    const double v = e.evaluate([&](const std::string& name) {
      const FlatValue* fv = find_flat(flat, name);
      if (!fv) throw ExpressionError("summary.json has no key '" + name + "'", 0);
      if (!fv->is_number)
        throw ExpressionError("summary.json key '" + name + "' is not a number", 0);
      return fv->number;
    });
    if (!std::isfinite(v)) return {std::nullopt, "metric is not finite"};
    return {v, ""};
  } catch (const ExpressionError& e) {
    return {std::nullopt, std::string("metric '") + f.metric + "': " + e.what()};
  } catch (const InputError& e) {
    return {std::nullopt, e.what()};
  }
}

std::string peak_note(const std::vector<std::pair<std::string, double>>& values) {
  std::string out = "peak over";
  for (const auto& [label, v] : values) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4g", v);
    out += " " + label + ": " + buf + ";";
  }
  if (!values.empty()) out.pop_back();
  return out;
}

// A peak_over entry as the note names it: its first override ("workload.source.concurrency=32"),
// which is the swept value; the others follow from it.
std::string label(const std::vector<std::string>& sets) {
  return sets.empty() ? "(none)" : sets.front();
}

}  // namespace

int cmd_validation(int argc, char** argv) {
  const Args a(argc, argv, 2, command_spec("validation"));
  if (a.positionals().size() != 1)
    throw UsageError(a.usage());
  const ValidationManifest m = load_validation_manifest(a.positionals()[0]);
  const std::string only = a.get_or("only", "");
  if (!only.empty()) {
    bool found = false;
    for (const auto& f : m.figures) found = found || f.id == only;
    if (!found) throw UsageError("--only: no figure '" + only + "' in " + m.file);
  }
  const std::vector<std::string> global = a.all("set");
  if (!global.empty()) check_global_sets(m, only, global);
  const bool keep = a.has("out");
  const std::string out = a.get_or("out", "");
  std::string runs;
  if (keep) {
    fs::create_directories(out);
    runs = out + "/runs";
  } else {
    std::string tmpl = (fs::temp_directory_path() / "moesim-validation-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw InputError(std::string("mkdtemp: ") + std::strerror(errno));
    runs = tmpl;
  }
  const std::string exe = moesim_executable();
  const bool quiet = a.has("quiet");
  std::vector<ValidationRow> rows;
  for (const auto& f : m.figures) {
    if (!only.empty() && f.id != only) continue;
    ValidationRow row{f.id, f.source, f.unit, f.published, std::nullopt, ""};
    if (f.peak_over.empty()) {
      const RunOutcome r = run_one(exe, f, {}, global, runs + "/" + f.id);
      row.predicted = r.value;
      row.note = r.error;
    } else {
      std::vector<std::pair<std::string, double>> values;
      for (std::size_t k = 0; k < f.peak_over.size(); ++k) {
        const RunOutcome r =
            run_one(exe, f, f.peak_over[k], global, runs + "/" + f.id + "." + std::to_string(k));
        if (!r.value) {
          row.predicted.reset();
          row.note = label(f.peak_over[k]) + ": " + r.error;
          values.clear();
          break;
        }
        values.emplace_back(label(f.peak_over[k]), *r.value);
        if (!row.predicted || *r.value > *row.predicted) row.predicted = r.value;
      }
      if (!values.empty()) row.note = peak_note(values);
    }
    if (!quiet) {
      std::fprintf(stderr, "  %s: %s\n", f.id.c_str(),
                   row.predicted ? "ok" : ("failed: " + row.note.substr(0, 200)).c_str());
    }
    rows.push_back(std::move(row));
  }
  if (!keep) fs::remove_all(runs);
  const std::string table = validation_markdown(rows, m.tolerance);
  std::cout << table;
  for (const auto& r : rows) {
    if (!r.note.empty()) std::cout << "- " << r.id << ": " << r.note << "\n";
  }
  if (keep) {
    write_file_atomic(out + "/validation.md", table);
    write_file_atomic(out + "/validation.csv", validation_csv(rows, m.tolerance));
  }
  return 0;
}

}  // namespace moesim
