// moesim compare DIR DIR... [--metrics KEY,...] [--out DIR]: finished runs side by side (ratios
// to the first) and, with --out, compare.md, compare.csv and one overlaid CDF per latency.
#include <cstdio>
#include <filesystem>

#include "analysis/atomic_file.hpp"
#include "analysis/run_comparison.hpp"
#include "analysis/svg_plot.hpp"
#include "cli/args.hpp"
#include "cli/command_specs.hpp"
#include "cli/commands.hpp"
#include "models/errors.hpp"

namespace moesim {
int cmd_compare(int argc, char** argv) {
  const Args a(argc, argv, 2, command_spec("compare"));
  const auto& dirs = a.positionals();
  if (dirs.size() < 2)
    throw UsageError(a.usage() + "\n  DIR: a finished run's output folder (summary.json; "
                     "requests.csv for the CDFs)");
  std::vector<ComparedRun> runs;
  for (const auto& d : dirs) runs.push_back(load_compared_run(d));
  label_runs(runs);
  const auto metrics = a.has("metrics") ? split_commas(*a.get("metrics"))
                                        : default_comparison_metrics();
  const auto rows = compare_runs(runs, metrics);
  if (rows.empty()) throw InputError("none of the metrics is a number in any of the summaries");
  const std::string table = comparison_markdown(runs, rows);
  std::printf("%s", table.c_str());
  if (!a.has("out")) return 0;
  const std::string out = *a.get("out");
  std::error_code ec;
  std::filesystem::create_directories(out, ec);
  if (ec || !std::filesystem::is_directory(out))
    throw InputError(out + ": cannot create the output folder");
  write_file_atomic(out + "/compare.md", table);
  write_file_atomic(out + "/compare.csv", comparison_csv(runs, rows));
  const struct {
    const char* name;
    std::vector<double> ComparedRun::*samples;
  } latencies[] = {{"ttft", &ComparedRun::ttft_s},
                   {"tpot", &ComparedRun::tpot_s},
                   {"e2e", &ComparedRun::e2e_s}};
  for (const auto& l : latencies) {
    std::vector<std::pair<std::string, std::vector<double>>> samples;
    for (const auto& r : runs)
      if (!(r.*l.samples).empty()) samples.emplace_back(r.label, r.*l.samples);
    if (samples.empty()) continue;
    std::string title = l.name;
    for (auto& c : title) c = char(std::toupper(static_cast<unsigned char>(c)));
    svg::write_svg(out + "/" + l.name + "_cdf.svg",
                   svg::render_cdf(title + " CDF, completed requests", "seconds", samples, true));
  }
  std::printf("\nwrote %s/compare.md, compare.csv and the latency CDFs (ttft_cdf.svg, "
              "tpot_cdf.svg, e2e_cdf.svg)\n", out.c_str());
  return 0;
}

}  // namespace moesim
