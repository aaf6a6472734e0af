// Reads a sweep file: a scenario plus a top-level `sweep:` section
//
//   sweep:
//     grid:    {deployment.tp: [1, 2, 4], speculative.gamma: [0, 2, 4]}   # cartesian product
//     zip:     {model.layers: [24, 48], model.hidden: [2048, 4096]}       # paired by position
//     derived: {deployment.ep: devices / deployment.tp}                   # computed per point
//     filters: ["deployment.tp * deployment.ep <= 8"]                     # others recorded, not
//     run
//     capacity: {slo: ["ttft<=2s"], attainment: 0.99}   # each point a capacity search
//
// into a SweepSpec (analysis/sweep_spec.hpp) and the base scenario text. Every problem is
// reported at once with file:line:column (ScenarioError, exit status 2 in the CLI).
#pragma once

#include <string>
#include <vector>

#include "analysis/sweep_spec.hpp"

namespace moesim {

struct SweepFile {
  SweepSpec spec;
  std::string name;       // the scenario's name (after --set)
  std::string base_text;  // the file's text without its sweep: section
  // --set arguments every point gets before its own: the sweep's own --set, then relative
  // workload paths made absolute (the base scenario is run from the sweep's output folder).
  std::vector<std::string> base_overrides;
  // `sweep.capacity` (scenarios/sweep_capacity.hpp) as `moesim capacity` options; empty: every
  // point is one `moesim run`.
  std::vector<std::string> capacity_args;
};

// `overrides`: the sweep command's --set arguments, applied to the base scenario (and visible to
// `devices`). Throws ScenarioError listing every problem.
[[nodiscard]] SweepFile load_sweep_file(const std::string& path,
                                        const std::vector<std::string>& overrides = {});
// `display_name` names the file in messages; `base_dir` is the folder relative workload paths
// resolve against.
[[nodiscard]] SweepFile load_sweep_text(const std::string& text, const std::string& display_name,
                                        const std::string& base_dir,
                                        const std::vector<std::string>& overrides = {});

// `text` without its top-level `sweep:` block: the line that opens it and every following line
// that is indented, blank or a comment, up to the next top-level key (comment and blank lines
// just before that key are kept). Text without such a block comes back unchanged.
[[nodiscard]] std::string strip_sweep_section(const std::string& text);

}  // namespace moesim
