#include "analysis/report_sweep.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "analysis/json_writer.hpp"
#include "analysis/report_page.hpp"
#include "analysis/sweep_expr.hpp"
#include "analysis/sweep_results.hpp"
#include "models/errors.hpp"

namespace moesim {
namespace {

std::string read_whole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool is_numeric_column(const CsvTable& t, std::size_t col) {
  bool any = false;
  for (const auto& row : t.rows) {
    double v = 0;
    if (parse_sweep_number(row[col], v)) {
      any = true;
    } else if (!row[col].empty() && row[col] != "null") {
      return false;
    }
  }
  return any;
}

std::string cell(const CsvTable& t, std::size_t row, const std::string& column) {
  const auto c = t.column(column);
  return c ? t.rows[row][*c] : "";
}

}  // namespace

SweepReport gather_sweep_report(const std::string& dir, const SweepReportRequest& request,
                                bool objective_given) {
  const std::string csv_path = dir + "/results.csv", manifest_path = dir + "/sweep.json";
  const std::string text = read_whole(csv_path);
  if (!text.empty() && text.back() != '\n') {
    throw InputError(csv_path + ": the last line ends without a newline: the file is truncated");
  }
  const CsvTable t = parse_csv(text, csv_path);
  for (const char* required : {"index", "status"}) {
    if (!t.column(required)) {
      throw InputError(csv_path + ":1: missing column '" + std::string(required) + "'");
    }
  }
  SweepReport r;
  const std::string manifest_text = read_whole(manifest_path);
  try {
    const SweepManifest m = parse_manifest(manifest_text);
    r.title = m.name;
    r.knobs = m.columns;
  } catch (const InputError& e) {
    throw InputError(manifest_path + ": " + e.what());
  }
  for (const auto& k : r.knobs) {
    if (!t.column(k)) {
      throw InputError(csv_path + ":1: missing column '" + k + "' (swept, as " + manifest_path +
                       " says)");
    }
  }
  for (std::size_t c = 0; c < t.header.size(); ++c) {
    const std::string& h = t.header[c];
    if (h == "index" || h == "status" || h == "error") continue;
    if (is_numeric_column(t, c)) r.numeric.push_back(h);
  }
  SelectionRequest req;
  req.objective = request.objective;
  req.minimize = request.minimize;
  req.top = request.top;
  req.knobs = r.knobs;
  for (const auto& c : request.constraints) {
    req.constraints.push_back(parse_constraint(c));
    // The page's filter box reads the same language; || binds looser than the && joining them.
    const Constraint& parsed = req.constraints.back();
    const std::string text = parsed.expr ? parsed.expr->text() : parsed.text;
    const bool group = request.constraints.size() > 1 && text.find("||") != std::string::npos;
    r.filter += (r.filter.empty() ? "" : " && ") + (group ? "(" + text + ")" : text);
  }
  r.objective = req.objective;
  Selection s;
  r.has_selection = objective_given || t.column(req.objective).has_value();
  if (r.has_selection) s = select_points(t, req);
  std::vector<bool> passes(t.rows.size(), false);
  for (std::size_t row : s.ranked) passes[row] = true;
  for (std::size_t row = 0; row < t.rows.size(); ++row) {
    SweepReport::Point p;
    p.index = cell(t, row, "index");
    p.status = cell(t, row, "status");
    for (const auto& k : r.knobs) p.knobs.push_back(cell(t, row, k));
    for (const auto& c : r.numeric) {
      double v = 0;
      if (parse_sweep_number(cell(t, row, c), v))
        p.values.emplace_back(v);
      else
        p.values.emplace_back(std::nullopt);
    }
    p.pareto = r.has_selection && s.pareto[row];
    p.passes = passes[row];
    r.points.push_back(std::move(p));
  }
  if (!r.has_selection) return r;
  // The rows of `moesim select`'s table (selection_markdown), as cells.
  r.table_header = {"rank", "index"};
  r.table_header.insert(r.table_header.end(), s.shown_knobs.begin(), s.shown_knobs.end());
  r.table_header.insert(r.table_header.end(), s.shown_columns.begin(), s.shown_columns.end());
  const std::size_t shown = std::min(req.top, s.ranked.size());
  for (std::size_t i = 0; i < shown; ++i) {
    const std::size_t row = s.ranked[i];
    std::vector<std::string> cells{std::to_string(i + 1) + (s.pareto[row] ? "*" : ""),
                                   cell(t, row, "index")};
    for (const auto& k : s.shown_knobs) cells.push_back(cell(t, row, k));
    for (const auto& c : s.shown_columns) cells.push_back(display_value(cell(t, row, c)));
    r.table_rows.push_back(std::move(cells));
  }
  r.removed = s.removed;
  r.summary_line = std::to_string(s.ranked.size()) + " of " + std::to_string(t.rows.size()) +
                   " points meet every constraint; the top " + std::to_string(shown) + " by " +
                   req.objective + (req.minimize ? " (lowest first)." : " (highest first).");
  return r;
}

std::string sweep_report_json(const SweepReport& r) {
  JsonWriter w(false);
  w.begin_object().field("kind", "sweep").field("title", r.title);
  const auto strings = [&](const char* key, const std::vector<std::string>& v) {
    w.key(key).begin_array();
    for (const auto& s : v) w.value(s);
    w.end_array();
  };
  strings("knobs", r.knobs);
  strings("numeric", r.numeric);
  w.key("points").begin_array();
  for (const auto& p : r.points) {
    w.begin_object().field("index", p.index).field("status", p.status);
    w.key("knobs").begin_array();
    for (const auto& k : p.knobs) w.value(k);
    w.end_array().key("values").begin_array();
    for (const auto& v : p.values) {
      if (v)
        w.value(*v);  // exact: a constraint compares it as moesim select does
      else
        w.null();
    }
    w.end_array().field("pareto", p.pareto).field("passes", p.passes).end_object();
  }
  w.end_array();
  w.field("has_selection", r.has_selection).field("objective", r.objective);
  strings("table_header", r.table_header);
  w.key("table_rows").begin_array();
  for (const auto& row : r.table_rows) {
    w.begin_array();
    for (const auto& c : row) w.value(c);
    w.end_array();
  }
  w.end_array().key("removed").begin_array();
  for (const auto& [why, n] : r.removed) {
    w.begin_array().value(why).value(static_cast<long long>(n)).end_array();
  }
  w.end_array().field("summary_line", r.summary_line).field("filter", r.filter);
  // select's default front: throughput per device against 1 / mean TPOT (kFrontPerUser); the
  // chart's default x is the column under that reciprocal.
  w.field("front_x", std::string("tpot_s.mean")).field("front_y", std::string(kFrontThroughput));
  // The units of the expression language with their SI factors, for the filter box.
  w.key("units").begin_array();
  for (const auto& [name, factor] : expression_unit_table()) {
    w.begin_array().value(name).value(factor).end_array();
  }
  w.end_array().field("units_text", expression_units());
  w.end_object();
  return w.str();
}

}  // namespace moesim
