#include "analysis/sweep_results.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "analysis/json_writer.hpp"
#include "models/errors.hpp"

namespace moesim {
namespace {

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

// A whole number in a flattened document, or throws.
std::size_t count_of(const FlatJson& flat, const std::string& key) {
  const FlatValue* v = find_flat(flat, key);
  if (!v || !v->is_number || v->number < 0 || v->number != std::floor(v->number)) {
    throw InputError("'" + key + "' is missing or not a whole number");
  }
  return std::size_t(v->number);
}

std::string text_of(const FlatJson& flat, const std::string& key) {
  const FlatValue* v = find_flat(flat, key);
  if (!v || v->is_number) throw InputError("'" + key + "' is missing or not a string");
  return v->text;
}

// Values of "prefix.0", "prefix.1", ... in order.
std::vector<std::string> list_of(const FlatJson& flat, const std::string& prefix) {
  std::vector<std::string> out;
  for (const auto& [k, v] : flat) {
    if (k == prefix + "." + std::to_string(out.size())) out.push_back(v.text);
  }
  return out;
}

}  // namespace

std::string journal_line(const JournalEntry& e) {
  JsonWriter j(false);
  j.begin_object();
  j.field("index", static_cast<long long>(e.index)).field("status", e.status);
  j.key("overrides").begin_object();
  for (const auto& [path, value] : e.overrides) j.field(path, value);
  j.end_object();
  j.field("error", e.error);
  j.key("metrics").begin_object();
  for (const auto& [k, v] : e.metrics) {
    if (v.is_number)
      j.field(k, v.number);
    else if (v.is_null)
      j.key(k).null();
    else
      j.field(k, v.text);
  }
  j.end_object();
  j.end_object();
  return j.str() + "\n";
}

Journal parse_journal(const std::string& text) {
  Journal out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    // A last line without its newline was being written when the sweep stopped.
    const bool complete = end != std::string::npos;
    if (!complete) end = text.size();
    const std::string line = text.substr(start, end - start);
    start = end + 1;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    try {
      if (!complete) throw InputError("cut short");
      const FlatJson flat = flatten_json(line);
      JournalEntry e;
      e.index = count_of(flat, "index");
      e.status = text_of(flat, "status");
      e.error = text_of(flat, "error");
      for (const auto& [k, v] : flat) {
        if (starts_with(k, "overrides.")) e.overrides.emplace_back(k.substr(10), v.text);
        if (starts_with(k, "metrics.")) e.metrics.emplace_back(k.substr(8), v);
      }
      out.entries.push_back(std::move(e));
    } catch (const InputError&) {
      ++out.bad_lines;
    }
  }
  return out;
}

std::vector<JournalEntry> unique_entries(std::vector<JournalEntry> entries) {
  std::stable_sort(entries.begin(), entries.end(),
                   [](const JournalEntry& a, const JournalEntry& b) { return a.index < b.index; });
  std::vector<JournalEntry> out;
  for (auto& e : entries) {
    if (!out.empty() && out.back().index == e.index) {
      // A failed attempt (environment: killed, disk full) is superseded by any other attempt.
      if (out.back().status == "failed" && !(out.back() == e)) {
        out.back() = std::move(e);
        continue;
      }
      if (e.status == "failed") continue;
      if (!(out.back() == e)) {
        throw InputError("point " + std::to_string(e.index) + " has two different results");
      }
      continue;
    }
    out.push_back(std::move(e));
  }
  return out;
}

FlatJson summary_metrics(const std::string& summary_json) {
  FlatJson flat = flatten_json(summary_json);
  std::erase_if(flat, [](const auto& kv) { return kv.first == "wall_time_s"; });
  return flat;
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string results_csv(const std::vector<std::string>& swept, std::vector<JournalEntry> entries) {
  std::sort(entries.begin(), entries.end(),
            [](const JournalEntry& a, const JournalEntry& b) { return a.index < b.index; });
  std::set<std::string> keys;
  for (const auto& e : entries) {
    for (const auto& [k, v] : e.metrics) keys.insert(k);
  }
  std::string out = "index,status";
  for (const auto& s : swept) out.append(",").append(csv_field(s));
  for (const auto& k : keys) out.append(",").append(csv_field(k));
  out += ",error\n";
  for (const auto& e : entries) {
    out.append(std::to_string(e.index)).append(",").append(csv_field(e.status));
    for (const auto& s : swept) {
      std::string v;
      for (const auto& [path, value] : e.overrides) {
        if (path == s) v = value;
      }
      out.append(",").append(csv_field(v));
    }
    for (const auto& k : keys) {
      const FlatValue* v = find_flat(e.metrics, k);
      out.append(",").append(csv_field(v ? v->text : ""));
    }
    out.append(",").append(csv_field(e.error)).append("\n");
  }
  return out;
}

bool SweepManifest::same_sweep(const SweepManifest& o) const {
  return name == o.name && points == o.points && columns == o.columns &&
         base_overrides == o.base_overrides && capacity == o.capacity;
}

std::string manifest_json(const SweepManifest& m) {
  JsonWriter j;
  j.begin_object();
  j.field("name", m.name).field("points", static_cast<long long>(m.points));
  j.key("columns").begin_array();
  for (const auto& c : m.columns) j.value(c);
  j.end_array();
  j.key("base_overrides").begin_array();
  for (const auto& c : m.base_overrides) j.value(c);
  j.end_array();
  j.field("shard", static_cast<long long>(m.shard))
      .field("shards", static_cast<long long>(m.shards));
  if (!m.capacity.empty()) {
    j.key("capacity").begin_array();
    for (const auto& c : m.capacity) j.value(c);
    j.end_array();
  }
  j.end_object();
  return j.str();
}

SweepManifest parse_manifest(const std::string& text) {
  const FlatJson flat = flatten_json(text);
  SweepManifest m;
  m.name = text_of(flat, "name");
  m.points = count_of(flat, "points");
  m.columns = list_of(flat, "columns");
  m.base_overrides = list_of(flat, "base_overrides");
  m.shard = count_of(flat, "shard");
  m.shards = count_of(flat, "shards");
  m.capacity = list_of(flat, "capacity");
  return m;
}

}  // namespace moesim
