// Reads a validation manifest: the seed papers' published figures, each with the scenario that
// reproduces it, the --set overrides of that run, and the expression that turns the run's
// summary.json into the figure (`moesim validation`, scenarios/validation/figures.yaml):
//
//   tolerance: 0.15                      # |predicted - published| / published counted as a match
//   figures:
//     - id: pangu-800i-a2-decode         # unique, [a-z0-9._-]
//       scenario: pangu.yaml             # relative to the manifest's folder
//       set: [workload.source.concurrency=456]        # optional --set overrides
//       peak_over: [[a.b=1], [a.b=2]]    # optional: one run per entry, predicted = the largest
//       metric: 456 / 4 / tpot_s.mean    # expression over summary.json's dotted keys
//       published: 1148
//       unit: tok/s/card
//       source: "Pangu Pro MoE (arXiv 2505.21411), Table 7"
//
// Every problem is reported at once with file:line:column and key (ScenarioError, exit 2).
#pragma once

#include <string>
#include <vector>

namespace moesim {

struct ValidationFigure {
  std::string id;
  std::string scenario;          // absolute or relative to the process's working directory
  std::vector<std::string> set;  // "path=value", applied to every run of the figure
  // Each entry is one more run with these overrides on top of `set`; the figure is the largest
  // metric over them (a published peak). Empty: one run.
  std::vector<std::vector<std::string>> peak_over;
  std::string metric;    // an analysis/sweep_expr expression
  double published = 0;  // > 0, in `unit`
  std::string unit;
  std::string source;
};

struct ValidationManifest {
  std::string file;
  double tolerance = 0.15;  // relative, in (0, 1]
  std::vector<ValidationFigure> figures;
};

// Throws ScenarioError listing every problem. Scenario paths are resolved against the
// manifest's folder; the scenario files must exist (their contents are checked by the runs).
[[nodiscard]] ValidationManifest load_validation_manifest(const std::string& path);
// `display_name` names the text in messages; `base_dir` is the folder scenario paths resolve
// against.
[[nodiscard]] ValidationManifest load_validation_text(const std::string& text,
                                                      const std::string& display_name,
                                                      const std::string& base_dir);

}  // namespace moesim
