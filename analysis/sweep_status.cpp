#include "analysis/sweep_status.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "analysis/sweep_spec.hpp"
#include "models/errors.hpp"

namespace moesim {
namespace {

void count(const JournalEntry& e, std::size_t& ok, std::size_t& invalid, std::size_t& failed,
           std::size_t& filtered) {
  if (e.status == "ok")
    ++ok;
  else if (e.status == "invalid")
    ++invalid;
  else if (e.status == "filtered")
    ++filtered;
  else
    ++failed;
}

std::string pad(const std::string& s, std::size_t width, bool right) {
  if (s.size() >= width) return s;
  const std::string fill(width - s.size(), ' ');
  return right ? fill + s : s + fill;
}

}  // namespace

SweepProgress sweep_progress(const std::vector<SweepFolderState>& folders) {
  if (folders.empty()) throw InputError("no sweep folder to report on");
  const SweepManifest& first = folders.front().manifest;
  SweepProgress p;
  p.name = first.name;
  p.points = first.points;
  std::map<std::size_t, std::pair<JournalEntry, std::string>> best;  // index -> (entry, folder)
  std::map<std::size_t, std::set<std::size_t>> seen;                 // shards -> shard indices
  for (const SweepFolderState& f : folders) {
    if (!f.manifest.same_sweep(first)) {
      throw InputError(f.path + " holds a different sweep than " + folders.front().path +
                       " (their sweep.json differ)");
    }
    std::vector<JournalEntry> entries;
    try {
      entries = unique_entries(f.entries);
    } catch (const InputError& e) {
      throw InputError(f.path + "/journal.jsonl: " + e.what());
    }
    ShardProgress r;
    r.path = f.path;
    r.shard = f.manifest.shard;
    r.shards = f.manifest.shards;
    r.points = shard_indices(p.points, r.shard, r.shards).size();
    r.bad_lines = f.bad_lines;
    for (const JournalEntry& e : entries) {
      if (e.index >= p.points) {
        throw InputError(f.path + "/journal.jsonl: point " + std::to_string(e.index) +
                         " is out of range (the sweep has " + std::to_string(p.points) +
                         " points)");
      }
      count(e, r.ok, r.invalid, r.failed, r.filtered);
      const auto [it, fresh] = best.emplace(e.index, std::make_pair(e, f.path));
      if (fresh || it->second.first == e || e.status == "failed") continue;
      if (it->second.first.status != "failed") {
        throw InputError("point " + std::to_string(e.index) + " has different results in " +
                         it->second.second + " and " + f.path);
      }
      it->second = {e, f.path};
    }
    const std::size_t done = r.ok + r.invalid + r.failed + r.filtered;
    r.pending = r.points > done ? r.points - done : 0;
    r.state = f.has_results ? "done" : "incomplete";
    seen[r.shards].insert(r.shard);
    p.rows.push_back(std::move(r));
  }
  // Shards of a sharding that some folder belongs to but that no folder holds yet.
  for (const auto& [shards, have] : seen) {
    if (shards < 2) continue;
    for (std::size_t s = 0; s < shards; ++s) {
      if (have.count(s)) continue;
      ShardProgress r;
      r.shard = s;
      r.shards = shards;
      r.points = shard_indices(p.points, s, shards).size();
      r.pending = r.points;
      r.state = "not started";
      p.rows.push_back(std::move(r));
    }
  }
  std::stable_sort(
      p.rows.begin(), p.rows.end(), [](const ShardProgress& a, const ShardProgress& b) {
        return std::tie(a.shards, a.shard, a.path) < std::tie(b.shards, b.shard, b.path);
      });
  for (const auto& [index, entry] : best) {
    count(entry.first, p.ok, p.invalid, p.failed, p.filtered);
  }
  p.pending = p.points - best.size();
  return p;
}

std::string progress_table(const SweepProgress& p) {
  std::vector<std::vector<std::string>> cells;
  cells.push_back(
      {"folder", "shard", "points", "ok", "invalid", "failed", "filtered", "pending", "state"});
  const auto n = [](std::size_t v) { return std::to_string(v); };
  for (const ShardProgress& r : p.rows) {
    std::string state = r.state;
    if (r.bad_lines > 0) state += " (" + n(r.bad_lines) + " journal line(s) cut short)";
    cells.push_back({r.path.empty() ? "-" : r.path, n(r.shard) + "/" + n(r.shards), n(r.points),
                     n(r.ok), n(r.invalid), n(r.failed), n(r.filtered), n(r.pending), state});
  }
  const bool complete = p.pending == 0 && p.failed == 0;
  cells.push_back({"total", "", n(p.points), n(p.ok), n(p.invalid), n(p.failed), n(p.filtered),
                   n(p.pending), complete ? "complete" : "incomplete"});
  std::vector<std::size_t> width(cells.front().size(), 0);
  for (const auto& row : cells)
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  std::string out = "sweep " + p.name + ": " + n(p.points) + " points\n";
  for (const auto& row : cells) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      const bool right = c >= 2 && c + 1 < row.size();  // counts right-aligned
      const bool last = c + 1 == row.size();
      line += "  " + (last ? row[c] : pad(row[c], width[c], right));
    }
    out += line + "\n";
  }
  return out;
}

}  // namespace moesim
