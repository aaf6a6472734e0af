// The data of a run folder's report page (`moesim report DIR` on a `moesim run --out` folder):
// the summary's figures for people to read, the latency CDFs from requests.csv, and the step
// time breakdown and KV-cache usage over simulated time from steps.csv.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "analysis/json_flat.hpp"
#include "analysis/report_csv.hpp"

namespace moesim {

struct ReportCurve {
  std::string name;                               // "TTFT", "TPOT", "E2E"
  std::vector<std::pair<double, double>> points;  // (seconds, cumulative share), step line
};

// steps.csv in at most `max_bins` equal spans of simulated time from the first step's start to
// the last step's end; spans without a step start are left out.
struct StepBins {
  std::vector<std::string> components;    // attention, ffn, experts, communication, other,
                                          // draft, host (the steps.csv columns without "_s")
  std::vector<double> t;                  // the middle of each kept span, s
  std::vector<std::vector<double>> mean;  // per span, per component: mean seconds per step
  std::vector<double> duration;           // per span: mean step duration, s
  std::vector<double> kv;                 // per span: highest kv_blocks_used over its steps,
                                          // divided by `kv_capacity` when that is > 0
};

struct RunReport {
  std::string title;                                         // the scenario name
  std::vector<std::pair<std::string, std::string>> summary;  // (key, text)
  std::vector<ReportCurve> cdfs;   // empty without requests.csv
  bool has_steps = false;          // steps.csv present
  bool kv_is_share = false;        // StepBins::kv is a share of the capacity (else blocks)
  StepBins steps;
  std::vector<std::string> notes;  // what is missing and why
};

// summary.json's figures in document order, without wall_time_s (host time, the only key that
// differs between identical runs): durations (a key part ending in "_s", not a count) in the
// unit that fits (format_duration), other numbers as display_value, null as "n/a".
[[nodiscard]] std::vector<std::pair<std::string, std::string>> summary_rows(const FlatJson& summary);

// TTFT, TPOT and E2E CDFs over the completed rows of requests.csv (TPOT where the cell is not
// empty: requests of one output token have none), at most `max_steps` steps each
// (svg::empirical_cdf). Throws InputError naming file, line and column for a bad cell.
[[nodiscard]] std::vector<ReportCurve> latency_cdfs(const LocatedCsv& requests,
                                                    std::size_t max_steps = 500);

// Precondition: max_bins >= 1. Throws InputError naming file, line and column for a bad cell.
[[nodiscard]] StepBins bin_steps(const LocatedCsv& steps, double kv_capacity,
                                 std::size_t max_bins = 200);

// Reads DIR/summary.json (required), DIR/requests.csv and DIR/steps.csv (when present). Throws
// InputError "FILE:LINE: ..." for malformed JSON, "FILE: missing key 'scenario'", and the CSV
// errors above.
[[nodiscard]] RunReport gather_run_report(const std::string& dir);

// The page's data: {"kind":"run","title":...,"summary":[[k,v],...],"cdfs":[...],...}.
[[nodiscard]] std::string run_report_json(const RunReport& r);

}  // namespace moesim
