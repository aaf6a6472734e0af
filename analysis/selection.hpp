// Configuration selection over a sweep's results.csv: keep the points that meet every constraint
// (expressions of analysis/sweep_expr's language), rank them by an objective, mark the Pareto
// front on two chosen axes (by default throughput per device versus tokens per second per user,
// 1 / mean TPOT), and say which constraint removed each other point first.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "analysis/sweep_expr.hpp"
#include "analysis/sweep_spec.hpp"
#include "models/csv.hpp"

namespace moesim {

// The default axes of the Pareto front, both maximised: y the throughput per device, x the
// tokens per second per user.
inline constexpr const char* kFrontThroughput = "throughput_output_tokens_per_s_per_device";
inline constexpr const char* kFrontPerUser = "1/tpot_s.mean";

// A results.csv or requests.csv read by models/csv.hpp (RFC 4180), every row padded or cut to
// the header's width, a blank line kept as a row of empty fields. `path` names the file in
// messages: InputError "PATH: no header line" for an empty document, CsvError
// "PATH:LINE: a quoted field is not closed".
[[nodiscard]] CsvTable parse_csv(const std::string& text, const std::string& path);

struct Constraint {
  std::string text;           // as given, trimmed, e.g. "tpot_s.p90 <= 30ms || ttft_s.p90 < 1s"
  bool fits_memory = false;   // the named constraint: status == ok (the validator accepted it)
  std::optional<Expression> expr;  // the comparison(s); absent for fits_memory
};

// Parses "fits_memory" or an expression that is a comparison or comparisons joined with && and
// || (units, parentheses, quoted text: analysis/sweep_expr.hpp). As before expressions, a plain
// "COLUMN == WORD" or "!=" whose WORD is not a number compares text ("serving.routing==grouped",
// "hardware!=h100-sxm"). Throws ConfigError "--constraint 'TEXT': ... at column N".
[[nodiscard]] Constraint parse_constraint(const std::string& text);

// One axis of the Pareto chart: a column or arithmetic over columns ("1/tpot_s.mean").
struct PlotAxis {
  std::string expression;
  bool minimize = false;  // lower is better on this axis (default: higher)
  std::string label;      // the chart's axis title; "" for the expression and its direction
  std::string option;     // the option that gave it, for messages ("--x"); "" for a default
                          // axis, whose columns may be missing (nothing is plotted then)
};

struct SelectionRequest {
  std::string objective;
  bool minimize = false;
  std::vector<Constraint> constraints;
  std::size_t top = 10;
  std::vector<std::string> knobs;  // the swept columns
  PlotAxis x{kFrontPerUser, false, "tokens/s per user (1 / mean TPOT)", ""};
  PlotAxis y{kFrontThroughput, false, "output tokens/s per device", ""};
};

struct Selection {
  std::vector<std::size_t> ranked;  // rows that pass, best first (ties: lower index first)
  std::vector<bool> pareto;         // per table row: on the front (only passing rows can be)
  std::vector<bool> meets;          // per table row: status ok and every constraint met
  // Per table row: (x, y) on the chart's axes, for status-ok rows where both are numbers.
  std::vector<std::optional<std::pair<double, double>>> axes;
  // Why the other rows were dropped, each counted once under the first reason that applies:
  // "sweep filter '<text>'", each constraint's text in the given order (followed by
  // "<text> (<column> is null: undefined for the point)" for rows whose value is null: a null
  // fails every constraint), "status <s>" (a point that did not run successfully), "no value of
  // <objective>". Reasons with no row are left out.
  std::vector<std::pair<std::string, std::size_t>> removed;
  // A constraint that cannot be evaluated on a row (text in arithmetic, a division by zero)
  // removes it under "<text> (<why>)".
  std::vector<std::string> shown_knobs;    // every knob, even one equal across the rows shown
  std::vector<std::string> shown_columns;  // the objective, the constrained columns, then the
                                           // columns the axes read
};

// Throws ConfigError naming an unknown objective, constraint or axis column (with `suggest`'s
// hint; for constraints and axes the option, the expression and the column within it), or an
// axis expression that is a comparison.
[[nodiscard]] Selection select_points(const CsvTable& table, const SelectionRequest& request,
                                      const SuggestFn& suggest = {});

// The ranked Markdown table of the top rows ('*' after the rank marks the Pareto front), then
// how many points passed and one "- removed by <reason>: N points" line per reason.
[[nodiscard]] std::string selection_markdown(const CsvTable& table, const SelectionRequest& request,
                                             const Selection& s);
// The same top rows with raw values: rank, index, pareto (1/0), every knob, the shown columns.
[[nodiscard]] std::string selection_csv(const CsvTable& table, const SelectionRequest& request,
                                        const Selection& s);
// Scatter of the request's x against y: points that meet the constraints, successful points that
// fail one (hollow, grey), the front ringed, joined and labelled with each point's index; every
// point has a tooltip (index, the knobs that differ among the plotted points, both axis values);
// each constraint comparing an axis column with a constant (<= < >= >) is a dashed line.
[[nodiscard]] std::string pareto_svg(const CsvTable& table, const SelectionRequest& request,
                                     const Selection& s);

// A cell for people: integers as they are, |v| >= 1000 with one decimal, else 4 significant
// digits; text unchanged.
[[nodiscard]] std::string display_value(const std::string& cell);

}  // namespace moesim
