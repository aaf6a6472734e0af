// The files of one `moesim run` result folder. A folder holds exactly one run's files: they are
// all completed under temporary names first, and only then renamed into place together, after
// the earlier run's files are removed; summary.json is renamed last, so its presence means the
// run is complete. A run that fails or is interrupted before that leaves the folder as it was
// (minus temporaries); one that fails during the renames leaves none of the run files.
#pragma once

#include <string>
#include <vector>

namespace moesim {

// summary.json, requests.csv, steps.csv, scenario.resolved.yaml, latency_cdf.svg.
[[nodiscard]] const std::vector<std::string>& run_file_names();

// Removes DIR/NAME for every run file name not in `keep`; with `partials`, DIR/NAME.partial
// instead (what a killed run left behind).
void remove_run_files(const std::string& dir, bool partials,
                      const std::vector<std::string>& keep = {});

// Before a run's files are renamed into place: removes the earlier run's summary.json first (so
// that a run killed amid the renames leaves no complete-looking folder; a symbolic link is kept,
// the new file is written through it) and its files that this run does not write (`written`).
void clear_earlier_run(const std::string& dir, const std::vector<std::string>& written);

}  // namespace moesim
