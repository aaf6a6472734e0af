// `moesim report DIR`: one self-contained HTML page (CSS, JavaScript and data inline; no URL
// that a browser would fetch) from a run folder or a sweep folder. The page template lives in
// analysis/report/ and is compiled into the binary (cmake/embed_report.cmake). Equal folders give
// byte-identical pages: no clock, no randomness, numbers in a fixed form.
#pragma once

#include <string>
#include <vector>

#include "analysis/report_sweep.hpp"

namespace moesim {

enum class ReportKind { run, sweep };

// run: DIR/summary.json exists; sweep: DIR/results.csv exists (a run folder is never also a
// sweep folder). Throws InputError "DIR: no such folder" or "DIR: neither a run folder
// (summary.json) nor a sweep folder (results.csv)".
[[nodiscard]] ReportKind report_kind(const std::string& dir);

// The whole page for DIR. Throws what gather_run_report / gather_sweep_report throw.
[[nodiscard]] std::string render_report(const std::string& dir, const SweepReportRequest& request,
                                        bool objective_given);

// The page around `data_json` (an object with "kind" and "title"): the template with the
// stylesheet, the script and the data filled in.
[[nodiscard]] std::string render_report_page(const std::string& title, const std::string& data_json);

// `v` to six significant digits (what a chart needs), so data blobs stay small and fixed;
// NaN and infinities stay as they are (JsonWriter writes null).
[[nodiscard]] double report_number(double v);

// JSON text made safe inside <script type="application/json">: '<', '>', '&', '=' and '/' become
// \u003c, \u003e, \u0026, \u003d and \/ (JSON escapes that parse to the same strings), so no
// "</script>", "://" or "src=" can appear whatever the data holds.
[[nodiscard]] std::string script_safe_json(const std::string& json);

// Every place in `html` a browser could fetch from: an absolute URL ("://"), "@import", or a
// src=, href= or url( whose value is not a fragment ("#...") or "data:" (which also catches a
// protocol-relative "//host"). Each entry "offset N: <context>". Empty: self-contained.
[[nodiscard]] std::vector<std::string> external_references(const std::string& html);

}  // namespace moesim
