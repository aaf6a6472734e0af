// moesim capacity SCENARIO --slo EXPR...: the highest load that meets per-request objectives.
// Every probe is one `moesim run` in a child process (SimGrid allows one engine per process) with
// the scenario's own seed and the workload's rate (poisson, gamma) or concurrency (closed_loop)
// set to the probed load, so every probe draws the same prompts and output lengths and the same
// arrival gaps scaled by the rate. The search is analysis/capacity_search.hpp's; the attainment
// and percentiles come from each probe's requests.csv (analysis/capacity_slo.hpp).
//
// Output: the probe table and the answer on stdout. With --out DIR: DIR/capacity.json,
// DIR/capacity.md (each complete or absent) and DIR/run/, the probe at the capacity. Probes run
// in DIR/probes.partial (or a temporary folder), removed at the end however the command ends.
// Exit status 1 when even the lowest load misses the objectives (the files are still written).
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>

#include "analysis/atomic_file.hpp"
#include "analysis/capacity_report.hpp"
#include "analysis/json_flat.hpp"
#include "analysis/sweep_expr.hpp"
#include "cli/args.hpp"
#include "cli/child_run.hpp"
#include "cli/command_specs.hpp"
#include "cli/commands.hpp"
#include "cli/interrupt.hpp"
#include "cli/output_lock.hpp"
#include "cli/sweep_files.hpp"
#include "models/errors.hpp"
#include "scenarios/diagnostics.hpp"
#include "scenarios/loader.hpp"

namespace moesim {
namespace {

namespace fs = std::filesystem;

// Removes the probes' folder when the command ends, however it ends.
class ScratchFolder {
 public:
  explicit ScratchFolder(std::string path) : path_(std::move(path)) {
    std::error_code ec;
    fs::remove_all(path_, ec);
    fs::create_directories(path_, ec);
    if (ec) throw InputError("cannot create " + path_ + ": " + ec.message());
  }
  ~ScratchFolder() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  ScratchFolder(const ScratchFolder&) = delete;
  ScratchFolder& operator=(const ScratchFolder&) = delete;
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string temporary_folder() {
  std::string tmpl = (fs::temp_directory_path() / "moesim-capacity-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) throw InputError(std::string("mkdtemp: ") + std::strerror(errno));
  return tmpl;
}

double number_of(const FlatJson& flat, const std::string& key, const std::string& file) {
  const FlatValue* v = find_flat(flat, key);
  if (!v || !v->is_number) throw InputError(file + ": no number '" + key + "'");
  return v->number;
}

// A load option: a positive number (a rate may carry its unit, "8/s"); whole for concurrency.
std::optional<double> load_option(const Args& a, const std::string& flag, bool integer) {
  const auto v = a.get(flag);
  if (!v) return std::nullopt;
  std::string text = *v;
  if (!integer && text.size() > 2 && text.compare(text.size() - 2, 2, "/s") == 0) {
    text.resize(text.size() - 2);
  }
  double x = 0;
  if (!parse_sweep_number(text, x) || !(x > 0) || (integer && x != std::floor(x))) {
    throw UsageError("--" + flag + " expects " +
                     std::string(integer ? "a whole number of requests in flight >= 1"
                                         : "a rate above 0 in requests per second ('8' or '8/s')") +
                     ", got '" + *v + "'");
  }
  return x;
}

struct Source {
  std::string over;   // rate | concurrency
  std::string key;    // workload.source.rate | workload.source.concurrency
  double load = 0;    // the scenario's
};

// What the scenario's workload lets the search scale; a ScenarioError at workload.source when
// nothing (a trace replays fixed timestamps) or not what --over asks for.
Source scalable_source(const Scenario& s, const std::string& over) {
  const std::string& name = s.workload.source.name;
  Source src;
  if (name == "poisson" || name == "gamma") {
    src = {"rate", "workload.source.rate", s.workload.source.params.number("rate")};
  } else if (name == "closed_loop") {
    src = {"concurrency", "workload.source.concurrency",
           double(s.workload.source.params.integer("concurrency"))};
  }
  std::string problem;
  if (src.over.empty()) {
    problem = "the source '" + name +
              "' has no rate to scale; capacity searches the rate of a poisson or gamma source "
              "or the concurrency of a closed_loop source";
  } else if (!over.empty() && over != src.over) {
    problem = "--over " + over + " needs a " +
              (over == "rate" ? "poisson or gamma source (a rate)"
                              : "closed_loop source (a concurrency)") +
              ", the scenario's source is '" + name + "'";
  }
  if (!problem.empty()) {
    const auto it = s.places.find("workload.source");
    Diagnostics d;
    d.add({it != s.places.end() ? it->second : s.source_file, "workload.source", problem});
    throw ScenarioError(d);
  }
  return src;
}

struct ProbeData {
  std::vector<DistributionSummary> metrics;
  CapacityRun run;
};

}  // namespace

int cmd_capacity(int argc, char** argv) {
  const Args a(argc, argv, 2, command_spec("capacity"));
  if (a.positionals().size() != 1) throw UsageError(a.usage());
  const std::string scenario_path = a.positionals()[0];
  if (a.all("slo").empty()) throw UsageError("--slo is required, e.g. --slo 'ttft<=2s'");
  std::vector<SloTarget> slos;
  for (const auto& text : a.all("slo")) {
    try {
      slos.push_back(parse_slo(text));
    } catch (const SloError& e) {
      throw UsageError(std::string("--slo: ") + e.what());
    }
  }
  const double level = a.get_number("attainment", 0.99);
  if (!(level > 0 && level <= 1))
    throw UsageError("--attainment expects a share in (0, 1], e.g. 0.99, got '" +
                     *a.get("attainment") + "'");
  const double tolerance = a.get_number("tolerance", 0.02);
  if (!(tolerance > 0 && tolerance < 1))
    throw UsageError("--tolerance expects a relative width in (0, 1), e.g. 0.02, got '" +
                     *a.get("tolerance") + "'");
  const std::string over = a.get_or("over", "");
  if (!over.empty() && over != "rate" && over != "concurrency")
    throw UsageError("--over expects rate or concurrency, got '" + over + "'");
  const auto max_runs = std::size_t(a.get_int_in("max-runs", 20));
  const std::vector<std::string> sets = a.all("set");

  const Scenario scenario = load_scenario_file(scenario_path, sets);
  const Source src = scalable_source(scenario, over);
  const bool integer = src.over == "concurrency";
  CapacitySearchOptions opt;
  opt.start = src.load;
  opt.low = load_option(a, "low", integer);
  opt.high = load_option(a, "high", integer);
  opt.level = level;
  opt.tolerance = tolerance;
  opt.max_runs = max_runs;
  opt.integer = integer;
  if (opt.low && opt.high && !(*opt.low < *opt.high))
    throw UsageError("--low must be below --high");
  if (integer && opt.high && *opt.high < 2)
    throw UsageError("--high must be at least 2 for a concurrency search");

  const bool keep = a.has("out");
  const std::string out = a.get_or("out", "");
  std::optional<OutputLock> lock;
  if (keep) {
    lock.emplace(out, "capacity");
    // An earlier answer in the folder goes first: a search that fails leaves none behind.
    std::error_code ec;
    for (const char* f : {"capacity.json", "capacity.md", "run"}) fs::remove_all(out + "/" + f, ec);
  }
  install_stop_handlers();
  const ScratchFolder scratch(keep ? out + "/probes.partial" : temporary_folder());
  const std::string exe = moesim_executable();
  const bool quiet = a.has("quiet");

  CapacityReport report;
  report.scenario = scenario.name;
  report.over = src.over;
  report.slos = slos;
  report.level = level;
  report.metrics = slo_metrics(slos);
  std::vector<ProbeData> data;  // parallel to the search's probes
  std::vector<std::string> dirs;
  const auto probe = [&](double load) {
    const std::string dir = scratch.path() + "/" + std::to_string(dirs.size());
    fs::create_directories(dir);
    std::vector<std::string> args{"run", scenario_path, "--out", dir, "--quiet"};
    for (const auto& s : sets) args.insert(args.end(), {"--set", s});
    args.insert(args.end(), {"--set", "output.requests_csv=true"});
    if (scenario.speculative.compare_without_speculation)
      args.insert(args.end(), {"--set", "speculative.compare_without_speculation=false"});
    const std::string value = format_sweep_number(load) + (integer ? "" : "/s");
    args.insert(args.end(), {"--set", src.key + "=" + value});
    const ChildOutcome child = run_moesim_child(exe, args, dir + "/log.txt");
    throw_if_interrupted();
    if (child.exit_status != 0)
      throw InputError("the probe at " + src.key + "=" + value + " failed: " + child.error);
    std::vector<RequestOutcome> rows;
    try {
      rows = parse_requests_csv(read_file(dir + "/requests.csv"));
    } catch (const SloError& e) {
      throw InputError(dir + "/" + e.what());
    }
    const FlatJson summary = flatten_json(read_file(dir + "/summary.json"));
    const std::string sj = dir + "/summary.json";
    ProbeData d;
    for (const auto& m : report.metrics) d.metrics.push_back(metric_summary(rows, m));
    d.run.devices = (long long)number_of(summary, "devices", sj);
    const double t = number_of(summary, "simulated_time_s", sj);
    d.run.requests_per_s = t > 0 ? number_of(summary, "requests_completed", sj) / t : 0;
    d.run.output_tokens_per_s = number_of(summary, "throughput_output_tokens_per_s", sj);
    const double att = attainment(rows, slos);
    if (!quiet) {
      std::fprintf(stderr, "  probe %zu: %s=%s: attainment %.2f%% (%s)\n", dirs.size() + 1,
                   src.key.c_str(), value.c_str(), att * 100, att >= level ? "pass" : "fail");
    }
    data.push_back(std::move(d));
    dirs.push_back(dir);
    return att;
  };
  report.search = search_capacity(opt, probe);
  for (const auto& d : data) report.probe_metrics.push_back(d.metrics);
  const auto at = report.search.capacity_probe();
  if (at) report.at_capacity = data[*at].run;

  std::cout << capacity_table(report) << "\n" << capacity_answer(report);
  if (keep) {
    std::error_code ec;
    if (at) {
      fs::rename(dirs[*at], out + "/run", ec);
      if (ec) throw InputError("cannot move the run at the capacity to " + out + "/run: " +
                               ec.message());
    }
    write_file_atomic(out + "/capacity.md", capacity_markdown(report));
    write_file_atomic(out + "/capacity.json", capacity_json(report));
  }
  return report.search.capacity ? 0 : 1;
}

}  // namespace moesim
