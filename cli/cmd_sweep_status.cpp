// moesim sweep --status DIR: the progress of a sweep from its folders' journals. DIR is a sweep
// folder, a folder whose subfolders are the shards' sweep folders (the layout
// scripts/slurm/submit.sh makes: DIR/shard-<i>/, merged into DIR), or both. Reads only; a shard
// that is running keeps appending to its journal meanwhile, so the counts are a snapshot.
#include <algorithm>
#include <filesystem>
#include <iostream>

#include "analysis/sweep_status.hpp"
#include "cli/commands.hpp"
#include "cli/sweep_files.hpp"
#include "models/errors.hpp"

namespace moesim {
namespace {

namespace fs = std::filesystem;

SweepFolderState read_folder(const std::string& path) {
  SweepFolderState f;
  f.path = path;
  f.manifest = read_manifest(path + "/sweep.json");
  const std::string journal = path + "/journal.jsonl";
  if (fs::exists(journal)) {
    Journal j = parse_journal(read_file(journal));
    f.entries = std::move(j.entries);
    f.bad_lines = j.bad_lines;
  }
  f.has_results = fs::exists(path + "/results.csv");
  return f;
}

}  // namespace

int sweep_status(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw InputError(dir + ": no such folder");
  std::vector<std::string> paths;
  if (fs::exists(dir + "/sweep.json")) paths.push_back(dir);
  std::vector<std::string> subs;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.is_directory() && fs::exists(e.path() / "sweep.json")) subs.push_back(e.path().string());
  }
  if (ec) throw InputError("cannot list " + dir + ": " + ec.message());
  std::sort(subs.begin(), subs.end());
  paths.insert(paths.end(), subs.begin(), subs.end());
  if (paths.empty()) {
    throw InputError(dir + " holds no sweep folder (no sweep.json in it or in its subfolders)");
  }
  std::vector<SweepFolderState> folders;
  for (const auto& p : paths) folders.push_back(read_folder(p));
  std::cout << progress_table(sweep_progress(folders));
  return 0;
}

}  // namespace moesim
