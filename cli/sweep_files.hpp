// The files of a sweep folder, shared by `moesim sweep` and `moesim merge` (layout in
// cli/cmd_sweep.cpp). Errors are InputError (exit status 2).
#pragma once

#include <cstddef>
#include <set>
#include <string>

#include "analysis/sweep_results.hpp"

namespace moesim {

// Whole file; throws InputError when it cannot be read.
[[nodiscard]] std::string read_file(const std::string& path);
// A sweep folder's sweep.json; a malformed one is an InputError naming `path`.
[[nodiscard]] SweepManifest read_manifest(const std::string& path);

// The first `lines` non-blank lines of a point's log (without the CLI's "N error(s)" line),
// trimmed, joined with " | ", at most 500 characters: the error text of an invalid or failed point.
// "" when the log is absent.
[[nodiscard]] std::string first_log_lines(const std::string& path, std::size_t lines = 3);

// Writes all of `text` to `fd` and fsyncs it, so a journal line survives a kill right after.
void append_durably(int fd, const std::string& text, const std::string& name);

// Makes `out` ready for a sweep and returns the indices its journal already holds, except the
// `failed` ones (to be run again).
// Fresh (resume false, or nothing to resume): removes an old journal.jsonl, results.csv and
// points/, then writes base.yaml and sweep.json. Resume: the folder's sweep.json and base.yaml
// must equal `manifest` and `base_text` (else InputError: a different sweep); a journal line cut
// short by a kill is dropped (the journal is rewritten without it).
[[nodiscard]] std::set<std::size_t> prepare_sweep_folder(const std::string& out,
                                                         const SweepManifest& manifest,
                                                         const std::string& base_text, bool resume);

struct SweepCounts {
  std::size_t ok = 0, invalid = 0, failed = 0, filtered = 0;
  std::string first_error;  // of the lowest-index invalid or failed point
};

// Rebuilds out/results.csv from out/journal.jsonl (atomically) and counts the statuses.
SweepCounts write_results(const std::string& out, const SweepManifest& manifest);

}  // namespace moesim
