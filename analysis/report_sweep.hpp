// The data of a sweep folder's report page (`moesim report DIR` on a `moesim sweep --out`
// folder): `moesim select`'s ranking, removed-by counts and Pareto front (analysis/selection, so
// the numbers agree), and every point's knobs and numeric columns for the interactive chart.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "analysis/selection.hpp"

namespace moesim {

struct SweepReportRequest {
  std::string objective = kFrontThroughput;  // as `moesim select --objective`
  bool minimize = false;
  std::vector<std::string> constraints;  // as `moesim select --constraint`; also the page's
                                         // initial filter, joined by " && "
  std::size_t top = 10;
};

struct SweepReport {
  std::string title;               // the sweep's name (sweep.json)
  std::vector<std::string> knobs;  // swept columns
  // Axis choices: every column but index, status and error whose cells are numbers, "null" or
  // empty, with at least one number.
  std::vector<std::string> numeric;
  struct Point {
    std::string index, status;
    std::vector<std::string> knobs;                // per knob, as in results.csv
    std::vector<std::optional<double>> values;     // per numeric column; nullopt: no value
    bool pareto = false, passes = false;           // on select's front; meets every constraint
  };
  std::vector<Point> points;  // one per results.csv row, in its order
  std::vector<std::string> table_header;             // rank, index, knobs shown, columns shown
  std::vector<std::vector<std::string>> table_rows;  // the top rows, display values
  std::vector<std::pair<std::string, std::size_t>> removed;
  std::string summary_line;  // "N of M points meet every constraint; the top K by OBJ (...)."
  std::string filter;        // the constraints joined by " && "
  std::string objective;
  bool has_selection = false;  // false when results.csv has no objective column (no point ran)
};

// Reads DIR/results.csv (as `moesim select` does: RFC 4180, a final newline required) and
// DIR/sweep.json (the swept columns). Throws InputError naming the file for unreadable or
// malformed input, ConfigError for an unknown objective or constraint column (only when the
// objective was asked for; the default objective is skipped when no point ran).
[[nodiscard]] SweepReport gather_sweep_report(const std::string& dir,
                                              const SweepReportRequest& request,
                                              bool objective_given);

// The page's data: {"kind":"sweep","title":...,"knobs":[...],"numeric":[...],"points":[...],...}.
[[nodiscard]] std::string sweep_report_json(const SweepReport& r);

}  // namespace moesim
