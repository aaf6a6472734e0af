#include "analysis/selection.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <regex>

#include "analysis/svg_plot.hpp"
#include "analysis/sweep_expr.hpp"
#include "analysis/sweep_results.hpp"
#include "models/errors.hpp"

namespace moesim {
namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

std::optional<double> number_at(const CsvTable& t, std::size_t row,
                                std::optional<std::size_t> col) {
  double v = 0;
  if (!col || !parse_sweep_number(t.rows[row][*col], v)) return std::nullopt;
  return v;
}

std::string cell(const CsvTable& t, std::size_t row, const std::string& column) {
  const auto c = t.column(column);
  return c ? t.rows[row][*c] : "";
}

std::size_t require_column(const CsvTable& t, const std::string& name, const char* what,
                           const SuggestFn& suggest) {
  if (const auto c = t.column(name)) return *c;
  std::string hint;
  if (suggest) {
    hint = "; " + suggest(name, t.header);
  } else {
    for (const auto& h : t.header) hint += (hint.empty() ? "; columns: " : ", ") + h;
  }
  throw ConfigError("unknown " + std::string(what) + " column '" + name + "'" + hint);
}

// A row's value of a name: a number when the cell reads as one, else its text.
ExprValue value_at(const CsvTable& t, std::size_t row, const std::string& name) {
  const std::string& v = t.rows[row][*t.column(name)];
  double d = 0;
  if (parse_sweep_number(v, d)) return {d, {}};
  return {0, v};
}

// results.csv writes an undefined statistic (null in summary.json: a mean of no sample, a ratio
// over zero) as "null". It fails every constraint that reads it, and the removal says why: the
// first null column the constraint reads, or "" when none.
std::string null_column(const CsvTable& t, std::size_t row, const Constraint& c) {
  if (c.fits_memory) return "";
  for (const auto& n : c.expr->names()) {
    if (t.rows[row][*t.column(n)] == "null") return n;
  }
  return "";
}

std::string null_reason(const Constraint& c, const std::string& column) {
  return c.text + " (" + column + " is null: undefined for the point)";
}

// "" when the row meets the constraint, else why not (the reason it is counted under).
std::string failure(const CsvTable& t, std::size_t row, const Constraint& c) {
  if (c.fits_memory) return cell(t, row, "status") == "ok" ? "" : c.text;
  if (const std::string n = null_column(t, row, c); !n.empty()) return null_reason(c, n);
  try {
    return c.expr->evaluate_values([&](const std::string& n) { return value_at(t, row, n); }) != 0
               ? ""
               : c.text;
  } catch (const ExpressionError& e) {
    return c.text + " (" + e.what() + ")";
  }
}

// A row's value on an axis; nullopt when a column it reads is not a number or it cannot be
// computed (a division by zero).
std::optional<double> axis_value(const CsvTable& t, std::size_t row, const Expression& e) {
  try {
    const double v = e.evaluate([&](const std::string& n) {
      double d = 0;
      const auto c = t.column(n);
      if (!c || !parse_sweep_number(t.rows[row][*c], d)) throw ExpressionError("no number", 1);
      return d;
    });
    if (std::isfinite(v)) return v;
  } catch (const ExpressionError&) {
  }
  return std::nullopt;
}

// Checks that every name an expression reads is a column; throws ConfigError
// "<option> '<text>': unknown column 'NAME' at column N; <hint>".
void require_names(const CsvTable& t, const Expression& e, const std::string& option,
                   const SuggestFn& suggest) {
  for (const auto& n : e.names()) {
    if (t.column(n)) continue;
    std::string hint;
    if (suggest) {
      hint = "; " + suggest(n, t.header);
    } else {
      for (const auto& h : t.header) hint += (hint.empty() ? "; columns: " : ", ") + h;
    }
    throw ConfigError(option + " '" + e.text() + "': unknown column '" + n + "' at column " +
                      std::to_string(e.column_of(n)) + hint);
  }
}

Expression parse_axis(const PlotAxis& a) {
  try {
    Expression e = Expression::parse(a.expression);
    if (e.is_comparison()) {
      throw ExpressionError("an axis is a column or arithmetic over columns, not a comparison", 1);
    }
    return e;
  } catch (const ExpressionError& e) {
    const std::string what = e.what();
    throw ConfigError((a.option.empty() ? "axis" : a.option) + " '" + a.expression + "': " + what +
                      (what.find(" at column ") == std::string::npos ? " at column 1" : ""));
  }
}

// Pareto front of (x, y), both maximised: p is dominated iff some q has x_q >= x_p and
// y_q >= y_p with one strict. Sorting by x descending and sweeping the best y of strictly larger
// x gives it in O(n log n); equal points are all on the front.
std::vector<bool> front_of(const std::vector<std::pair<double, double>>& pts,
                           const std::vector<bool>& eligible) {
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < pts.size(); ++i) {
    if (eligible[i]) order.push_back(i);
  }
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return pts[a].first != pts[b].first ? pts[a].first > pts[b].first : a < b;
  });
  std::vector<bool> out(pts.size(), false);
  double best_above = -std::numeric_limits<double>::infinity();
  for (std::size_t g = 0; g < order.size();) {
    std::size_t e = g;
    double group_max = -std::numeric_limits<double>::infinity();
    while (e < order.size() && pts[order[e]].first == pts[order[g]].first) {
      group_max = std::max(group_max, pts[order[e]].second);
      ++e;
    }
    for (std::size_t k = g; k < e; ++k) {
      const double y = pts[order[k]].second;
      out[order[k]] = y > best_above && y >= group_max;
    }
    best_above = std::max(best_above, group_max);
    g = e;
  }
  return out;
}

// One table line, each cell padded to its column's width (on the left when right-aligned).
std::string row_line(const std::vector<std::string>& cells, const std::vector<std::size_t>& widths,
                     const std::vector<bool>& right) {
  std::string out = "|";
  for (std::size_t i = 0; i < cells.size(); ++i) {
    const std::string pad(widths[i] - std::min(widths[i], cells[i].size()), ' ');
    out += " " + (right[i] ? pad + cells[i] : cells[i] + pad) + " |";
  }
  return out + "\n";
}

}  // namespace

CsvTable parse_csv(const std::string& text, const std::string& path) {
  CsvTable t = parse_csv_table(text, path, CsvOptions{.skip_blank = false, .check_fields = false});
  if (t.header_line == 0) throw InputError(path + ": no header line");
  for (auto& row : t.rows) row.resize(t.header.size());
  return t;
}

Constraint parse_constraint(const std::string& text) {
  Constraint c;
  c.text = trim(text);
  if (c.text == "fits_memory") {
    c.fits_memory = true;
    return c;
  }
  std::string expr = c.text;
  // The plain form "COLUMN == WORD" / "!=" with a WORD that is not a number compares text.
  static const std::regex kPlainText(R"(([A-Za-z_][A-Za-z0-9_.]*)\s*(==|!=)\s*([^\s'"()&|]+))");
  std::smatch m;
  if (std::regex_match(c.text, m, kPlainText)) {
    bool number = false;
    try {
      const Expression v = Expression::parse(m[3].str());
      number = v.names().empty() && !v.is_comparison();
    } catch (const ExpressionError&) {
    }
    if (!number) expr = m[1].str() + " " + m[2].str() + " '" + m[3].str() + "'";
  }
  try {
    c.expr = Expression::parse(expr);
  } catch (const ExpressionError& e) {
    throw ConfigError("--constraint '" + c.text + "': " + e.what());
  }
  if (!c.expr->is_comparison()) {
    throw ConfigError("--constraint '" + c.text +
                      "': expected a comparison such as 'tpot_s.p90 <= 50ms' (or several "
                      "joined with && and ||), or fits_memory");
  }
  return c;
}

Selection select_points(const CsvTable& t, const SelectionRequest& req, const SuggestFn& suggest) {
  const std::size_t obj = require_column(t, req.objective, "objective", suggest);
  for (const auto& c : req.constraints) {
    if (!c.fits_memory) require_names(t, *c.expr, "--constraint", suggest);
  }
  const Expression ax = parse_axis(req.x), ay = parse_axis(req.y);
  // The default axes may lack their columns (a table from elsewhere): then nothing is plotted.
  if (!req.x.option.empty()) require_names(t, ax, req.x.option, suggest);
  if (!req.y.option.empty()) require_names(t, ay, req.y.option, suggest);
  Selection s;
  s.meets.assign(t.rows.size(), false);
  s.axes.assign(t.rows.size(), std::nullopt);
  std::map<std::string, std::size_t> counts;
  std::vector<std::string> reason_order;
  auto drop = [&](const std::string& why) {
    if (counts[why]++ == 0) reason_order.push_back(why);
  };
  // Reasons in a fixed order whatever the rows' order: filters, constraints, status, objective.
  std::vector<std::string> fixed;
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    const std::string status = cell(t, r, "status");
    if (status == "filtered") {
      drop("sweep filter '" + cell(t, r, "error") + "'");
      continue;
    }
    if (status != "ok") {
      // Points that did not run are removed by what stopped them, not by value constraints they
      // have no values for: memory, or the first key an error names.
      const std::string err = cell(t, r, "error");
      std::string what = "status " + status;
      const bool memory = err.find("does not fit") != std::string::npos;
      bool asked_memory = false;
      for (const auto& c : req.constraints) asked_memory = asked_memory || c.fits_memory;
      if (memory && asked_memory) {
        what = "fits_memory";
      } else if (memory) {
        what += " (does not fit in memory)";
      } else if (auto e = err.find("error: "); e != std::string::npos) {
        const auto colon = err.find(':', e + 7);
        if (colon != std::string::npos) what += " (" + err.substr(e + 7, colon - e - 7) + ")";
      }
      drop(what);
      continue;
    }
    const auto x = axis_value(t, r, ax), y = axis_value(t, r, ay);
    if (x && y) s.axes[r] = std::make_pair(*x, *y);
    bool ok = true;
    for (const auto& c : req.constraints) {
      if (const std::string why = failure(t, r, c); !why.empty()) {
        drop(why);
        ok = false;
        break;
      }
    }
    if (!ok) continue;
    s.meets[r] = true;
    if (!number_at(t, r, obj))
      drop("no value of " + req.objective);
    else
      s.ranked.push_back(r);
  }
  for (const auto& why : reason_order) {
    if (why.rfind("sweep filter ", 0) == 0) fixed.push_back(why);
  }
  std::sort(fixed.begin(), fixed.end());
  for (const auto& c : req.constraints) {
    if (counts.count(c.text)) fixed.push_back(c.text);
    std::vector<std::string> why_not;  // nulls and evaluation errors, sorted
    for (const auto& why : reason_order) {
      if (why.rfind(c.text + " (", 0) == 0) why_not.push_back(why);
    }
    std::sort(why_not.begin(), why_not.end());
    fixed.insert(fixed.end(), why_not.begin(), why_not.end());
  }
  for (const auto& why : reason_order) {
    if (why.rfind("status ", 0) == 0 || why.rfind("no value of ", 0) == 0) fixed.push_back(why);
  }
  for (const auto& why : fixed) s.removed.emplace_back(why, counts[why]);
  std::stable_sort(s.ranked.begin(), s.ranked.end(), [&](std::size_t a, std::size_t b) {
    const double va = *number_at(t, a, obj), vb = *number_at(t, b, obj);
    return req.minimize ? va < vb : va > vb;
  });
  // The front maximises both axes: a minimised one enters negated.
  std::vector<std::pair<double, double>> pts(t.rows.size());
  std::vector<bool> eligible(t.rows.size(), false);
  for (std::size_t r : s.ranked) {
    if (const auto& p = s.axes[r]) {
      pts[r] = {req.x.minimize ? -p->first : p->first, req.y.minimize ? -p->second : p->second};
      eligible[r] = true;
    }
  }
  s.pareto = front_of(pts, eligible);
  s.shown_knobs = req.knobs;
  auto show = [&](const std::string& column) {
    if (std::find(s.shown_columns.begin(), s.shown_columns.end(), column) ==
        s.shown_columns.end()) {
      s.shown_columns.push_back(column);
    }
  };
  show(req.objective);
  for (const auto& c : req.constraints) {
    if (c.fits_memory) continue;
    for (const auto& n : c.expr->names()) {
      if (std::find(req.knobs.begin(), req.knobs.end(), n) == req.knobs.end()) show(n);
    }
  }
  for (const Expression* e : {&ay, &ax}) {
    for (const auto& n : e->names()) {
      if (std::find(req.knobs.begin(), req.knobs.end(), n) == req.knobs.end()) show(n);
    }
  }
  return s;
}

std::string display_value(const std::string& text) {
  double v = 0;
  if (!parse_sweep_number(text, v)) return text;
  if (v == std::floor(v) && std::fabs(v) < 1e15) return format_sweep_number(v);
  char buf[64];
  std::snprintf(buf, sizeof buf, std::fabs(v) >= 1000 ? "%.1f" : "%.4g", v);
  return buf;
}

std::string selection_markdown(const CsvTable& t, const SelectionRequest& req, const Selection& s) {
  std::vector<std::string> head{"rank", "index"};
  head.insert(head.end(), s.shown_knobs.begin(), s.shown_knobs.end());
  head.insert(head.end(), s.shown_columns.begin(), s.shown_columns.end());
  std::vector<std::vector<std::string>> body;
  const std::size_t shown = std::min(req.top, s.ranked.size());
  for (std::size_t i = 0; i < shown; ++i) {
    const std::size_t r = s.ranked[i];
    std::vector<std::string> row{std::to_string(i + 1) + (s.pareto[r] ? "*" : ""),
                                 cell(t, r, "index")};
    for (const auto& k : s.shown_knobs) row.push_back(cell(t, r, k));
    for (const auto& c : s.shown_columns) row.push_back(display_value(cell(t, r, c)));
    body.push_back(std::move(row));
  }
  std::vector<std::size_t> widths;
  for (const auto& h : head) widths.push_back(std::max<std::size_t>(3, h.size()));
  for (const auto& row : body) {
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  // Knob values may be names (left-aligned); everything else is a number, right-aligned.
  std::vector<bool> right(head.size(), true);
  for (std::size_t i = 2; i < 2 + s.shown_knobs.size(); ++i) right[i] = false;
  const std::vector<bool> left(head.size(), false);
  std::string out = row_line(head, widths, left);
  std::vector<std::string> rule;
  for (std::size_t i = 0; i < head.size(); ++i) {
    rule.push_back(right[i] ? std::string(widths[i] - 1, '-') + ":" : std::string(widths[i], '-'));
  }
  out += row_line(rule, widths, left);
  for (const auto& row : body) out += row_line(row, widths, right);
  out += "\n" + std::to_string(s.ranked.size()) + " of " + std::to_string(t.rows.size()) +
         " points meet every constraint; the top " + std::to_string(shown) + " by " +
         req.objective + (req.minimize ? " (lowest first)" : " (highest first)") + ".\n";
  out += "A '*' after the rank marks the Pareto front of " + req.y.expression +
         (req.y.minimize ? " (min)" : " (max)") + " versus " + req.x.expression +
         (req.x.minimize ? " (min)" : " (max)") +
         " among them; pareto.svg labels its points with their index.\n";
  if (!s.removed.empty()) out += "\n";
  for (const auto& [why, n] : s.removed) {
    out += "- removed by " + why + ": " + std::to_string(n) + (n == 1 ? " point\n" : " points\n");
  }
  return out;
}

std::string selection_csv(const CsvTable& t, const SelectionRequest& req, const Selection& s) {
  std::string out = "rank,index,pareto";
  for (const auto& k : req.knobs) out.append(",").append(csv_field(k));
  for (const auto& c : s.shown_columns) out.append(",").append(csv_field(c));
  out += "\n";
  const std::size_t shown = std::min(req.top, s.ranked.size());
  for (std::size_t i = 0; i < shown; ++i) {
    const std::size_t r = s.ranked[i];
    out.append(std::to_string(i + 1)).append(",").append(csv_field(cell(t, r, "index")));
    out.append(s.pareto[r] ? ",1" : ",0");
    for (const auto& k : req.knobs) out.append(",").append(csv_field(cell(t, r, k)));
    for (const auto& c : s.shown_columns) out.append(",").append(csv_field(cell(t, r, c)));
    out += "\n";
  }
  return out;
}

namespace {

// The axis title: the given label, else the expression and which way is better.
std::string axis_title(const PlotAxis& a) {
  if (!a.label.empty()) return a.label;
  return a.expression + (a.minimize ? " (lower is better)" : " (higher is better)");
}

// The dashed lines of the constraints that compare a plotted column with a constant (an axis that
// is one column, as written), labelled with the comparison.
void add_guides(const SelectionRequest& req, svg::Plot& plot) {
  for (const auto& c : req.constraints) {
    if (c.fits_memory) continue;
    for (const auto& b : c.expr->bounds()) {
      if (b.op == "==" || b.op == "!=") continue;
      for (const bool vertical : {true, false}) {
        const PlotAxis& a = vertical ? req.x : req.y;
        if (trim(a.expression) == b.name) plot.guides.push_back({vertical, b.value, b.text});
      }
    }
  }
}

}  // namespace

std::string pareto_svg(const CsvTable& t, const SelectionRequest& req, const Selection& s) {
  const bool defaults = req.x.expression == kFrontPerUser && !req.x.minimize &&
                        req.y.expression == kFrontThroughput && !req.y.minimize;
  svg::Plot plot;
  plot.title = defaults ? "Pareto front: throughput per device vs tokens/s per user"
                        : "Pareto front: " + req.y.expression + " vs " + req.x.expression;
  plot.x.label = axis_title(req.x);
  plot.y.label = axis_title(req.y);
  plot.highlight_label = "Pareto front";
  svg::Series pass{"meet the constraints", {}, {}, true, false};
  svg::Series other{"fail a constraint", {}, {}, true, false};
  other.muted = true;
  // The knobs that differ among the plotted points, for the tooltips.
  std::vector<std::size_t> plotted;
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    if (s.axes[r]) plotted.push_back(r);
  }
  std::vector<std::string> differing;
  for (const auto& k : req.knobs) {
    for (std::size_t r : plotted) {
      if (cell(t, r, k) != cell(t, plotted.front(), k)) {
        differing.push_back(k);
        break;
      }
    }
  }
  for (std::size_t r : plotted) {
    const auto [x, y] = *s.axes[r];
    std::string title = "index " + cell(t, r, "index");
    for (const auto& k : differing) title += "\n" + k + " = " + cell(t, r, k);
    title += "\n" + req.x.expression + " = " + display_value(format_sweep_number(x));
    title += "\n" + req.y.expression + " = " + display_value(format_sweep_number(y));
    svg::Series& into = s.meets[r] ? pass : other;
    into.x.push_back(x);
    into.y.push_back(y);
    into.titles.push_back(title);
    into.labels.push_back(s.pareto[r] ? cell(t, r, "index") : "");
    if (s.pareto[r]) plot.highlight.emplace_back(x, y);
  }
  plot.series.push_back(std::move(pass));
  if (!other.x.empty()) plot.series.push_back(std::move(other));
  add_guides(req, plot);
  return svg::render_scatter(plot);
}

}  // namespace moesim
