#include "analysis/run_comparison.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "analysis/duration_format.hpp"
#include "analysis/selection.hpp"
#include "models/errors.hpp"

namespace moesim {
namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot open file");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool is_duration(const std::string& key) {
  const auto dot = key.find('.');
  const std::string head = key.substr(0, dot);
  if (head.find("per_s") != std::string::npos) return false;  // a rate, e.g. tokens per s
  return head.size() > 2 && head.compare(head.size() - 2, 2, "_s") == 0 &&
         key.rfind("count") == std::string::npos;
}

std::string sig4(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

}  // namespace

const std::vector<std::string>& default_comparison_metrics() {
  static const std::vector<std::string> m = {
      "requests_completed", "requests_rejected", "throughput_output_tokens_per_s",
      "throughput_output_tokens_per_s_per_device", "ttft_s.mean", "ttft_s.p50", "ttft_s.p90",
      "ttft_s.p99", "tpot_s.mean", "tpot_s.p50", "tpot_s.p90", "tpot_s.p99", "e2e_s.mean",
      "e2e_s.p90", "e2e_s.p99", "ttft_breakdown_mean_s.queueing", "ttft_breakdown_mean_s.prefill",
      "slo_attainment", "mean_batch_size", "kv_peak_utilization", "preemptions",
      "simulated_time_s", "spec.mean_accepted_tokens", "spec.target_efficiency",
      "spec.speedup_throughput", "spec.speedup_tpot", "cost.dollars_per_million_output_tokens",
      "cost.dollars_per_million_input_tokens", "cost.output_tokens_per_dollar"};
  return m;
}

ComparedRun load_compared_run(const std::string& dir) {
  ComparedRun r;
  r.dir = dir;
  const std::string summary = dir + "/summary.json";
  if (!std::filesystem::is_regular_file(summary))
    throw InputError(summary + ": no such file (not a finished moesim run folder)");
  try {
    r.summary = flatten_json(read_text(summary));
  } catch (const JsonSyntaxError& e) {
    throw InputError(summary + ":" + std::to_string(e.line()) + ":" + std::to_string(e.column()) +
                     ": JSON: " + e.detail());
  } catch (const InputError& e) {
    throw InputError(summary + ": " + e.what());
  }
  const std::string requests = dir + "/requests.csv";
  if (!std::filesystem::is_regular_file(requests)) return r;
  const CsvTable t = parse_csv(read_text(requests), requests);
  const auto status = t.column("status");
  const auto ttft = t.column("ttft_s"), tpot = t.column("tpot_s"), e2e = t.column("e2e_s");
  if (!status || !ttft || !tpot || !e2e)
    throw InputError(requests + ":1: header lacks status, ttft_s, tpot_s or e2e_s");
  for (std::size_t i = 0; i < t.rows.size(); ++i) {
    const auto& row = t.rows[i];
    if (row[*status] != "completed") continue;
    const auto num = [&](std::size_t c, std::vector<double>& out) {
      if (row[c].empty()) return;  // e.g. TPOT of a one-token output
      char* end = nullptr;
      const double v = std::strtod(row[c].c_str(), &end);
      if (end == row[c].c_str() || *end != '\0' || !std::isfinite(v))
        throw InputError(requests + ":" + std::to_string(i + 2) + ": '" + row[c] +
                         "' is not a number (column " + t.header[c] + ")");
      out.push_back(v);
    };
    num(*ttft, r.ttft_s);
    num(*tpot, r.tpot_s);
    num(*e2e, r.e2e_s);
  }
  return r;
}

void label_runs(std::vector<ComparedRun>& runs) {
  std::map<std::string, int> count;
  const auto name = [](const std::string& dir) {
    std::filesystem::path p(dir);
    if (!p.has_filename()) p = p.parent_path();
    return p.filename().string();
  };
  for (const auto& r : runs) ++count[name(r.dir)];
  for (auto& r : runs) r.label = count[name(r.dir)] > 1 ? r.dir : name(r.dir);
}

std::vector<ComparisonRow> compare_runs(const std::vector<ComparedRun>& runs,
                                        const std::vector<std::string>& metrics) {
  std::vector<ComparisonRow> rows;
  for (const auto& m : metrics) {
    ComparisonRow row{m, {}};
    bool any = false;
    for (const auto& r : runs) {
      const FlatValue* v = find_flat(r.summary, m);
      if (v != nullptr && v->is_number) {
        row.values.emplace_back(v->number);
        any = true;
      } else {
        row.values.emplace_back(std::nullopt);
      }
    }
    if (any) rows.push_back(std::move(row));
  }
  return rows;
}

std::optional<double> ratio_to_first(const ComparisonRow& row, std::size_t run) {
  if (row.values.empty() || run >= row.values.size()) return std::nullopt;
  const auto& a = row.values[0];
  const auto& b = row.values[run];
  if (!a || !b || *a == 0) return std::nullopt;
  return *b / *a;
}

std::string format_metric(const std::string& metric, std::optional<double> v) {
  if (!v) return "n/a";
  if (!is_duration(metric)) return sig4(*v);
  return format_duration(*v);  // as the run report prints them
}

std::string comparison_markdown(const std::vector<ComparedRun>& runs,
                                const std::vector<ComparisonRow>& rows) {
  std::string out = "| metric |";
  for (const auto& r : runs) out += " " + r.label + " |";
  out += "\n|---|";
  for (std::size_t i = 0; i < runs.size(); ++i) out += "---:|";
  out += "\n";
  for (const auto& row : rows) {
    out += "| " + row.metric + " |";
    for (std::size_t i = 0; i < row.values.size(); ++i) {
      out += " " + format_metric(row.metric, row.values[i]);
      if (i > 0) {
        const auto q = ratio_to_first(row, i);
        if (q) out += " (x" + sig4(*q) + ")";
      }
      out += " |";
    }
    out += "\n";
  }
  return out;
}

std::string comparison_csv(const std::vector<ComparedRun>& runs,
                           const std::vector<ComparisonRow>& rows) {
  const auto quoted = [](const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
  };
  std::string out = "metric";
  for (std::size_t i = 0; i < runs.size(); ++i) {
    out += "," + quoted(runs[i].label);
    if (i > 0) out += "," + quoted(runs[i].label + " / " + runs[0].label);
  }
  out += "\n";
  char buf[64];
  for (const auto& row : rows) {
    out += row.metric;
    for (std::size_t i = 0; i < row.values.size(); ++i) {
      out += ",";
      if (row.values[i]) {
        std::snprintf(buf, sizeof buf, "%.9g", *row.values[i]);
        out += buf;
      }
      if (i > 0) {
        out += ",";
        if (const auto q = ratio_to_first(row, i)) {
          std::snprintf(buf, sizeof buf, "%.9g", *q);
          out += buf;
        }
      }
    }
    out += "\n";
  }
  return out;
}

}  // namespace moesim
