// A sweep's on-disk records: the journal (OUT/journal.jsonl, one JSON line per finished point,
// appended as points finish), the manifest (OUT/sweep.json: what was swept) and results.csv.
// results.csv is always rebuilt from journal entries alone, so an interrupted-and-resumed sweep,
// a merge of shards and an uninterrupted run give the same bytes.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "analysis/json_flat.hpp"

namespace moesim {

struct JournalEntry {
  std::size_t index = 0;
  // ok | invalid (the point's scenario is rejected: exit status 2; final) | failed (the
  // environment ended it: killed by a signal, an output it could not write, any other exit
  // status; --resume runs it again) | filtered
  std::string status;
  std::vector<std::pair<std::string, std::string>> overrides;  // (path, value), axis order
  // invalid, failed: the first lines of the point's log; filtered: the filter it failed.
  std::string error;
  FlatJson metrics;  // ok: summary.json flattened, without wall_time_s
  bool operator==(const JournalEntry&) const = default;
};

// One compact JSON object and '\n':
// {"index":3,"status":"ok","overrides":{"deployment.tp":"2"},"error":"","metrics":{...}}
[[nodiscard]] std::string journal_line(const JournalEntry& e);

struct Journal {
  std::vector<JournalEntry> entries;  // in file order
  std::size_t bad_lines = 0;          // lines that did not parse (e.g. cut short by a kill)
};

// Reads journal text; never throws on a bad line (it is counted and skipped).
[[nodiscard]] Journal parse_journal(const std::string& text);

// The entries sorted by index with exact duplicates dropped; a `failed` entry (an attempt that the
// environment ended: killed, disk full) is superseded by any other entry of its index (the
// attempt --resume made). Throws InputError when one index has two different entries that are
// not failed ("point 7 has two different results").
[[nodiscard]] std::vector<JournalEntry> unique_entries(std::vector<JournalEntry> entries);

// summary.json text -> the metrics of a journal entry: flattened, wall_time_s left out (the only
// key that differs between identical runs). Throws InputError on malformed JSON.
[[nodiscard]] FlatJson summary_metrics(const std::string& summary_json);

// results.csv: header "index,status,<swept paths>,<metric keys, sorted union>,error", then one row
// per entry sorted by index. Fields are quoted (RFC 4180) when they hold ',', '"' or a newline.
// Precondition: no two entries share an index.
[[nodiscard]] std::string results_csv(const std::vector<std::string>& swept,
                                      std::vector<JournalEntry> entries);

// One CSV field, quoted when needed.
[[nodiscard]] std::string csv_field(const std::string& text);

// What a sweep folder holds: scenario name, number of points, swept paths, the --set arguments
// every point gets before its own (the sweep's own --set, absolute workload paths), and the shard.
struct SweepManifest {
  std::string name;
  std::size_t points = 0;
  std::vector<std::string> columns;
  std::vector<std::string> base_overrides;
  std::size_t shard = 0, shards = 1;
  // `sweep.capacity` as `moesim capacity` options; empty (and not written) for a sweep of runs.
  std::vector<std::string> capacity;
  bool operator==(const SweepManifest&) const = default;
  // Equal but for the shard.
  [[nodiscard]] bool same_sweep(const SweepManifest& o) const;
};

[[nodiscard]] std::string manifest_json(const SweepManifest& m);
// Throws InputError when `text` is not a manifest.
[[nodiscard]] SweepManifest parse_manifest(const std::string& text);

}  // namespace moesim
