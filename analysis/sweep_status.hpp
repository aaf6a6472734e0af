// Progress of a sweep spread over shard folders (`moesim sweep --status DIR`), worked out from
// what the folders hold: each one's sweep.json (which shard of how many), its journal.jsonl (the
// points that finished and how) and whether its results.csv is written (the shard ran to its end).
// Pure: the CLI reads the folders, this counts.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "analysis/sweep_results.hpp"

namespace moesim {

// One sweep folder as read from disk.
struct SweepFolderState {
  std::string path;
  SweepManifest manifest;
  std::vector<JournalEntry> entries;  // journal lines in file order (repeats allowed)
  std::size_t bad_lines = 0;          // journal lines cut short
  bool has_results = false;           // results.csv exists
};

// One row of the status table: a folder, or a shard that no folder holds yet.
struct ShardProgress {
  std::string path;  // "" for a shard not started
  std::size_t shard = 0, shards = 1;
  std::size_t points = 0;  // the points this shard runs
  std::size_t ok = 0, invalid = 0, failed = 0, filtered = 0, pending = 0;
  std::size_t bad_lines = 0;
  // "not started" (no folder), "incomplete" (no results.csv: queued, running, or stopped before
  // its end; --resume finishes it), "done" (results.csv written; its failed points, if any, are
  // run again by --resume)
  std::string state;
};

struct SweepProgress {
  std::string name;
  std::size_t points = 0;           // the whole sweep
  std::vector<ShardProgress> rows;  // by (shards, shard, path)
  // Over the whole sweep, each point once (a point some folder finished is not pending, a failed
  // attempt counts only when no folder has another result for it).
  std::size_t ok = 0, invalid = 0, failed = 0, filtered = 0, pending = 0;
};

// Throws InputError when `folders` is empty, when two folders hold different sweeps (their
// manifests differ other than in the shard), or when a journal holds a point out of range or two
// different results for one point (the message names the folder).
[[nodiscard]] SweepProgress sweep_progress(const std::vector<SweepFolderState>& folders);

// The table `moesim sweep --status` prints: a header line, one row per shard, a total row.
[[nodiscard]] std::string progress_table(const SweepProgress& p);

}  // namespace moesim
