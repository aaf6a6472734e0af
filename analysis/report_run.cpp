#include "analysis/report_run.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "analysis/duration_format.hpp"
#include "analysis/json_writer.hpp"
#include "analysis/report_page.hpp"
#include "analysis/selection.hpp"
#include "analysis/svg_plot.hpp"
#include "models/errors.hpp"

namespace moesim {
namespace {

// A duration: some dotted part ends in "_s" (ttft_s.p90, simulated_time_s, spec.baseline_tpot_
// mean_s) but is not a rate ("..._per_s") and the leaf is not a count.
bool is_duration_key(const std::string& key) {
  if (key.size() >= 6 && key.compare(key.size() - 6, 6, ".count") == 0) return false;
  std::size_t b = 0;
  while (b <= key.size()) {
    const std::size_t e = std::min(key.find('.', b), key.size());
    const std::string part = key.substr(b, e - b);
    const auto ends = [&](const std::string& s) {
      return part.size() >= s.size() && part.compare(part.size() - s.size(), s.size(), s) == 0;
    };
    if (ends("_s") && !ends("_per_s")) return true;
    b = e + 1;
  }
  return false;
}

std::string read_whole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// "FILE:LINE:COLUMN: JSON: what" for a syntax error.
FlatJson flatten_located(const std::string& text, const std::string& path) {
  try {
    return flatten_json(text);
  } catch (const JsonSyntaxError& e) {
    throw InputError(path + ":" + std::to_string(e.line()) + ":" + std::to_string(e.column()) +
                     ": JSON: " + e.detail());
  }
}

void write_points(JsonWriter& w, const std::vector<std::pair<double, double>>& pts) {
  w.begin_array();
  for (const auto& [x, y] : pts) {
    w.begin_array().value(report_number(x)).value(report_number(y)).end_array();
  }
  w.end_array();
}

void write_numbers(JsonWriter& w, const std::vector<double>& v) {
  w.begin_array();
  for (double x : v) w.value(report_number(x));
  w.end_array();
}

}  // namespace

std::vector<std::pair<std::string, std::string>> summary_rows(const FlatJson& summary) {
  std::vector<std::pair<std::string, std::string>> rows;
  for (const auto& [key, v] : summary) {
    if (key == "wall_time_s") continue;
    std::string text = v.text;
    if (v.is_null) {
      text = "n/a";
    } else if (v.is_number) {
      text = is_duration_key(key) ? format_duration(v.number) : display_value(v.text);
    }
    rows.emplace_back(key, text);
  }
  return rows;
}

std::vector<ReportCurve> latency_cdfs(const LocatedCsv& req, std::size_t max_steps) {
  const std::size_t status = req.require("status");
  const std::vector<std::pair<std::string, std::string>> metrics{
      {"TTFT", "ttft_s"}, {"TPOT", "tpot_s"}, {"E2E", "e2e_s"}};
  std::vector<ReportCurve> out;
  for (const auto& [name, column] : metrics) {
    const std::size_t col = req.require(column);
    std::vector<double> samples;
    for (std::size_t r = 0; r < req.rows.size(); ++r) {
      if (req.rows[r][status] != "completed") continue;
      if (column == "tpot_s" && req.rows[r][col].empty()) continue;  // one output token
      samples.push_back(req.number(r, col));
    }
    out.push_back({name, svg::empirical_cdf(std::move(samples), max_steps)});
  }
  return out;
}

StepBins bin_steps(const LocatedCsv& steps, double kv_capacity, std::size_t max_bins) {
  StepBins b;
  b.components = {"attention", "ffn", "experts", "communication", "other", "draft", "host"};
  const std::size_t start = steps.require("start_s"), dur = steps.require("duration_s"),
                    kv = steps.require("kv_blocks_used");
  std::vector<std::size_t> cols;
  for (const auto& c : b.components) cols.push_back(steps.require(c + "_s"));
  const std::size_t n = steps.rows.size();
  if (n == 0) return b;
  std::vector<double> s(n), d(n);
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (std::size_t r = 0; r < n; ++r) {
    s[r] = steps.number(r, start);
    d[r] = steps.number(r, dur);
    lo = std::min(lo, s[r]);
    hi = std::max(hi, s[r] + d[r]);
  }
  const std::size_t bins = std::min(max_bins, n);
  const double width = hi > lo ? (hi - lo) / double(bins) : 1.0;
  std::vector<std::vector<double>> sum(bins, std::vector<double>(cols.size(), 0.0));
  std::vector<double> dsum(bins, 0.0), kvmax(bins, 0.0);
  std::vector<std::size_t> count(bins, 0);
  for (std::size_t r = 0; r < n; ++r) {
    const auto i = std::min(bins - 1, std::size_t(std::max(0.0, std::floor((s[r] - lo) / width))));
    for (std::size_t c = 0; c < cols.size(); ++c) sum[i][c] += steps.number(r, cols[c]);
    dsum[i] += d[r];
    kvmax[i] = std::max(kvmax[i], steps.number(r, kv));
    ++count[i];
  }
  for (std::size_t i = 0; i < bins; ++i) {
    if (count[i] == 0) continue;
    b.t.push_back(lo + (double(i) + 0.5) * width);
    std::vector<double> m;
    for (double v : sum[i]) m.push_back(v / double(count[i]));
    b.mean.push_back(std::move(m));
    b.duration.push_back(dsum[i] / double(count[i]));
    b.kv.push_back(kv_capacity > 0 ? kvmax[i] / kv_capacity : kvmax[i]);
  }
  return b;
}

RunReport gather_run_report(const std::string& dir) {
  RunReport r;
  const std::string summary_path = dir + "/summary.json";
  const FlatJson summary = flatten_located(read_whole(summary_path), summary_path);
  const FlatValue* name = find_flat(summary, "scenario");
  if (!name || name->is_number || name->is_null) {
    throw InputError(summary_path + ": missing key 'scenario' (a string: the scenario name)");
  }
  r.title = name->text;
  r.summary = summary_rows(summary);
  const std::string requests = dir + "/requests.csv", steps = dir + "/steps.csv";
  if (std::filesystem::exists(requests)) {
    r.cdfs = latency_cdfs(read_located_csv(requests));
  } else {
    r.notes.push_back("requests.csv was not written (output.requests_csv: false): no latency CDFs");
  }
  if (std::filesystem::exists(steps)) {
    const FlatValue* cap = find_flat(summary, "kv_capacity_blocks");
    const double capacity = cap && cap->is_number ? cap->number : 0.0;
    r.kv_is_share = capacity > 0;
    r.steps = bin_steps(read_located_csv(steps), capacity);
    r.has_steps = true;
  } else {
    r.notes.push_back("steps.csv was not written (output.steps_csv: false): no step breakdown "
                      "or KV-cache usage over time");
  }
  return r;
}

std::string run_report_json(const RunReport& r) {
  JsonWriter w(false);
  w.begin_object().field("kind", "run").field("title", r.title);
  w.key("summary").begin_array();
  for (const auto& [k, v] : r.summary) w.begin_array().value(k).value(v).end_array();
  w.end_array();
  w.key("cdfs").begin_array();
  for (const auto& c : r.cdfs) {
    w.begin_object().field("name", c.name).key("points");
    write_points(w, c.points);
    w.end_object();
  }
  w.end_array();
  w.field("has_steps", r.has_steps).field("kv_is_share", r.kv_is_share);
  w.key("steps").begin_object().key("components").begin_array();
  for (const auto& c : r.steps.components) w.value(c);
  w.end_array().key("t");
  write_numbers(w, r.steps.t);
  w.key("mean").begin_array();
  for (const auto& m : r.steps.mean) write_numbers(w, m);
  w.end_array().key("duration");
  write_numbers(w, r.steps.duration);
  w.key("kv");
  write_numbers(w, r.steps.kv);
  w.end_object();
  w.key("notes").begin_array();
  for (const auto& n : r.notes) w.value(n);
  w.end_array().end_object();
  return w.str();
}

}  // namespace moesim
