// Configuration selection over a sweep's results.csv: keep the points that meet every constraint,
// rank them by an objective, mark the Pareto front of throughput per device versus tokens per
// second per user (1 / mean TPOT), and say which constraint removed each other point first.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "analysis/sweep_spec.hpp"

namespace moesim {

// The two axes of the Pareto front (both maximised; the second as 1 / its value).
inline constexpr const char* kFrontThroughput = "throughput_output_tokens_per_s_per_device";
inline constexpr const char* kFrontTpot = "tpot_s.mean";

struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;  // each padded or cut to header.size()
  [[nodiscard]] std::optional<std::size_t> column(const std::string& name) const;
};

// RFC 4180 text (quoted fields may hold ',', '"' as "" and newlines). Throws InputError on an
// unterminated quote or an empty document.
[[nodiscard]] CsvTable parse_csv(const std::string& text);

struct Constraint {
  std::string text;               // as given, e.g. "tpot_s.p90<=0.05"
  bool fits_memory = false;       // the named constraint: status == ok (the validator accepted it)
  std::string column, op, value;  // op: <= < >= > == !=; value: a number, or text for == and !=
};

// Parses "COLUMN OP VALUE" (spaces allowed) or "fits_memory". Throws ConfigError.
[[nodiscard]] Constraint parse_constraint(const std::string& text);

struct SelectionRequest {
  std::string objective;
  bool minimize = false;
  std::vector<Constraint> constraints;
  std::size_t top = 10;
  std::vector<std::string> knobs;  // the swept columns
};

struct Selection {
  std::vector<std::size_t> ranked;  // rows that pass, best first (ties: lower index first)
  std::vector<bool> pareto;         // per table row: on the front (only passing rows can be)
  // Why the other rows were dropped, each counted once under the first reason that applies:
  // "sweep filter '<text>'", each constraint's text in the given order (followed by
  // "<text> (<column> is null: undefined for the point)" for rows whose value is null: a null
  // fails every constraint), "status <s>" (a point that did not run successfully), "no value of
  // <objective>". Reasons with no row are left out.
  std::vector<std::pair<std::string, std::size_t>> removed;
  std::vector<std::string> shown_knobs;    // knobs whose values differ among the top rows (all
                                           // knobs when none differ)
  std::vector<std::string> shown_columns;  // the objective, then the constrained columns
};

// Throws ConfigError naming an unknown objective or constraint column (with `suggest`'s hint)
// or a text value compared with < <= > >=.
[[nodiscard]] Selection select_points(const CsvTable& table, const SelectionRequest& request,
                                      const SuggestFn& suggest = {});

// The ranked Markdown table of the top rows ('*' after the rank marks the Pareto front), then
// how many points passed and one "- removed by <reason>: N points" line per reason.
[[nodiscard]] std::string selection_markdown(const CsvTable& table, const SelectionRequest& request,
                                             const Selection& s);
// The same top rows with raw values: rank, index, pareto (1/0), every knob, the shown columns.
[[nodiscard]] std::string selection_csv(const CsvTable& table, const SelectionRequest& request,
                                        const Selection& s);
// Scatter of 1 / mean TPOT (x) against throughput per device (y): passing points, other
// successful points, and the front ringed and joined.
[[nodiscard]] std::string pareto_svg(const CsvTable& table, const Selection& s);

// A cell for people: integers as they are, |v| >= 1000 with one decimal, else 4 significant
// digits; text unchanged.
[[nodiscard]] std::string display_value(const std::string& cell);

}  // namespace moesim
