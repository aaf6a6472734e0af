// moesim merge DIR... [--out DIR]: joins the folders of sweep shards (or of any runs of one sweep)
// into one sweep folder whose results.csv is byte-identical to an unsharded run's. The merged
// folder is a complete sweep folder: `moesim sweep FILE --resume --out` it runs what is missing.
// The output folder is locked (OutputLock) while merge writes it.
#include <filesystem>
#include <iostream>
#include <map>

#include "analysis/atomic_file.hpp"
#include "analysis/sweep_results.hpp"
#include "cli/args.hpp"
#include "cli/command_specs.hpp"
#include "cli/commands.hpp"
#include "cli/output_lock.hpp"
#include "cli/sweep_files.hpp"
#include "models/errors.hpp"

namespace moesim {

int cmd_merge(int argc, char** argv) {
  const Args a(argc, argv, 2, command_spec("merge"));
  const auto& dirs = a.positionals();
  if (dirs.empty()) throw UsageError(a.usage());
  SweepManifest manifest;
  std::string base_text;
  std::map<std::size_t, std::pair<JournalEntry, std::string>> points;  // index -> (entry, dir)
  for (std::size_t d = 0; d < dirs.size(); ++d) {
    const std::string& dir = dirs[d];
    if (!std::filesystem::exists(dir + "/sweep.json")) {
      throw InputError(dir + " is not a sweep folder (no sweep.json)");
    }
    const SweepManifest m = read_manifest(dir + "/sweep.json");
    const std::string base = read_file(dir + "/base.yaml");
    if (d == 0) {
      manifest = m;
      base_text = base;
    } else if (!m.same_sweep(manifest) || base != base_text) {
      throw InputError(dir + " holds a different sweep than " + dirs[0] +
                       " (their sweep.json or base.yaml differ)");
    }
    const std::string journal = dir + "/journal.jsonl";
    if (!std::filesystem::exists(journal)) continue;
    const Journal j = parse_journal(read_file(journal));
    if (j.bad_lines > 0) {
      std::cerr << "moesim merge: " << journal << ": skipped " << j.bad_lines
                << " line(s) cut short\n";
    }
    // Within one folder a failed attempt is superseded by the --resume that re-ran it.
    for (const auto& e : unique_entries(j.entries)) {
      if (e.index >= manifest.points) {
        throw InputError(journal + ": point " + std::to_string(e.index) +
                         " is out of range (the sweep has " + std::to_string(manifest.points) +
                         " points)");
      }
      const auto [it, fresh] = points.emplace(e.index, std::make_pair(e, dir));
      if (!fresh && !(it->second.first == e)) {
        throw InputError("point " + std::to_string(e.index) + " has different results in " +
                         it->second.second + " and " + dir);
      }
    }
  }
  const std::string out = a.get_or("out", "results/" + manifest.name + "-sweep");
  manifest.shard = 0;
  manifest.shards = 1;
  // One writer per folder, as sweep: a sweep still running there (or another merge) is refused.
  const OutputLock lock(out, "merge");
  std::error_code ec;
  std::string journal;
  for (const auto& [index, entry] : points) journal += journal_line(entry.first);
  write_file_atomic(out + "/base.yaml", base_text);
  write_file_atomic(out + "/sweep.json", manifest_json(manifest));
  write_file_atomic(out + "/journal.jsonl", journal);
  // An incomplete merge (a shard not given, or not finished) writes no results.csv: a table with
  // rows missing would be ranked as if whole. The folder can be finished with --resume.
  std::filesystem::remove(out + "/results.csv", ec);
  if (points.size() < manifest.points) {
    throw InputError(std::to_string(manifest.points - points.size()) + " of " +
                     std::to_string(manifest.points) +
                     " point(s) missing (a shard not given or not finished); no results.csv "
                     "written; run them with: moesim sweep FILE --resume --out " + out);
  }
  const SweepCounts c = write_results(out, manifest);
  if (!a.has("quiet")) {
    std::cout << "moesim merge: " << points.size() << " of " << manifest.points << " points from "
              << dirs.size() << " folder(s): " << c.ok << " ok, " << c.invalid << " invalid, "
              << c.failed << " failed, " << c.filtered << " filtered; results in " << out
              << "/results.csv\n";
  }
  return 0;
}

}  // namespace moesim
