#include "analysis/selection.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>

#include "analysis/svg_plot.hpp"
#include "analysis/sweep_expr.hpp"
#include "analysis/sweep_results.hpp"
#include "models/errors.hpp"
#include "models/utf8_bom.hpp"

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

// results.csv writes an undefined statistic (null in summary.json: a mean of no sample, a ratio
// over zero) as "null". It fails every constraint, and the removal says why.
bool is_null_at(const CsvTable& t, std::size_t row, const Constraint& c) {
  return !c.fits_memory && t.rows[row][*t.column(c.column)] == "null";
}

std::string null_reason(const Constraint& c) {
  return c.text + " (" + c.column + " is null: undefined for the point)";
}

bool passes(const CsvTable& t, std::size_t row, const Constraint& c) {
  if (c.fits_memory) return cell(t, row, "status") == "ok";
  if (is_null_at(t, row, c)) return false;
  const std::string& v = t.rows[row][*t.column(c.column)];
  double rhs = 0, lhs = 0;
  if (!parse_sweep_number(c.value, rhs)) return c.op == "==" ? v == c.value : v != c.value;
  if (!parse_sweep_number(v, lhs)) return false;
  if (c.op == "<=") return lhs <= rhs;
  if (c.op == "<") return lhs < rhs;
  if (c.op == ">=") return lhs >= rhs;
  if (c.op == ">") return lhs > rhs;
  if (c.op == "==") return lhs == rhs;
  return lhs != rhs;
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

// (throughput per device, 1 / mean TPOT) of a row, when both are finite and TPOT > 0.
std::optional<std::pair<double, double>> front_point(const CsvTable& t, std::size_t row) {
  const auto x = number_at(t, row, t.column(kFrontThroughput));
  const auto tpot = number_at(t, row, t.column(kFrontTpot));
  if (!x || !tpot || *tpot <= 0) return std::nullopt;
  return std::make_pair(*x, 1.0 / *tpot);
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

std::optional<std::size_t> CsvTable::column(const std::string& name) const {
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return i;
  }
  return std::nullopt;
}

CsvTable parse_csv(const std::string& whole) {
  const std::string_view text = without_utf8_bom(whole);
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> rec;
  std::string field;
  bool quoted = false, any = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
      continue;
    }
    any = true;
    if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rec.push_back(std::move(field));
      field.clear();
    } else if (c == '\n') {
      rec.push_back(std::move(field));
      field.clear();
      records.push_back(std::move(rec));
      rec.clear();
      any = false;
    } else if (c != '\r') {
      field += c;
    }
  }
  if (quoted) throw InputError("CSV: a quoted field is not closed");
  if (any || !field.empty()) {
    rec.push_back(std::move(field));
    records.push_back(std::move(rec));
  }
  if (records.empty()) throw InputError("CSV: no header line");
  CsvTable t;
  t.header = std::move(records.front());
  for (std::size_t i = 1; i < records.size(); ++i) {
    records[i].resize(t.header.size());
    t.rows.push_back(std::move(records[i]));
  }
  return t;
}

Constraint parse_constraint(const std::string& text) {
  Constraint c;
  c.text = trim(text);
  if (c.text == "fits_memory") {
    c.fits_memory = true;
    return c;
  }
  static const char* ops[] = {"<=", ">=", "==", "!=", "<", ">"};
  for (const char* op : ops) {
    const auto at = c.text.find(op);
    if (at == std::string::npos) continue;
    c.column = trim(c.text.substr(0, at));
    c.op = op;
    c.value = trim(c.text.substr(at + std::char_traits<char>::length(op)));
    if (c.column.empty() || c.value.empty()) break;
    double v = 0;
    if (!parse_sweep_number(c.value, v) && c.op != "==" && c.op != "!=") {
      throw ConfigError("constraint '" + c.text + "': " + c.op + " needs a number, got '" +
                        c.value + "'");
    }
    return c;
  }
  throw ConfigError("constraint '" + text +
                    "': expected COLUMN OP VALUE with OP one of <= < >= > == != (e.g. "
                    "'tpot_s.p90<=0.05'), or fits_memory");
}

Selection select_points(const CsvTable& t, const SelectionRequest& req, const SuggestFn& suggest) {
  const std::size_t obj = require_column(t, req.objective, "objective", suggest);
  for (const auto& c : req.constraints) {
    if (!c.fits_memory) (void)require_column(t, c.column, "constraint", suggest);
  }
  Selection s;
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
    bool ok = true;
    for (const auto& c : req.constraints) {
      if (!passes(t, r, c)) {
        drop(is_null_at(t, r, c) ? null_reason(c) : c.text);
        ok = false;
        break;
      }
    }
    if (!ok) continue;
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
    if (!c.fits_memory && counts.count(null_reason(c))) fixed.push_back(null_reason(c));
  }
  for (const auto& why : reason_order) {
    if (why.rfind("status ", 0) == 0 || why.rfind("no value of ", 0) == 0) fixed.push_back(why);
  }
  for (const auto& why : fixed) s.removed.emplace_back(why, counts[why]);
  std::stable_sort(s.ranked.begin(), s.ranked.end(), [&](std::size_t a, std::size_t b) {
    const double va = *number_at(t, a, obj), vb = *number_at(t, b, obj);
    return req.minimize ? va < vb : va > vb;
  });
  std::vector<std::pair<double, double>> pts(t.rows.size());
  std::vector<bool> eligible(t.rows.size(), false);
  for (std::size_t r : s.ranked) {
    if (const auto p = front_point(t, r)) {
      pts[r] = *p;
      eligible[r] = true;
    }
  }
  s.pareto = front_of(pts, eligible);
  const std::size_t shown = std::min(req.top, s.ranked.size());
  for (const auto& k : req.knobs) {
    bool differs = false;
    for (std::size_t i = 1; i < shown; ++i) {
      differs = differs || cell(t, s.ranked[i], k) != cell(t, s.ranked[0], k);
    }
    if (differs) s.shown_knobs.push_back(k);
  }
  if (s.shown_knobs.empty()) s.shown_knobs = req.knobs;
  s.shown_columns.push_back(req.objective);
  for (const auto& c : req.constraints) {
    if (c.fits_memory) continue;
    if (std::find(s.shown_columns.begin(), s.shown_columns.end(), c.column) ==
        s.shown_columns.end()) {
      s.shown_columns.push_back(c.column);
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
  out += "A '*' after the rank marks the Pareto front of " + std::string(kFrontThroughput) +
         " (max) versus 1/" + kFrontTpot + " (max) among them.\n";
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

std::string pareto_svg(const CsvTable& t, const Selection& s) {
  svg::Plot plot;
  plot.title = "Pareto front: throughput per device vs tokens/s per user";
  plot.x.label = "tokens/s per user (1 / mean TPOT)";
  plot.y.label = "output tokens/s per device";
  plot.highlight_label = "Pareto front";
  svg::Series pass{"meet the constraints", {}, {}, true, false};
  svg::Series other{"other successful points", {}, {}, true, false};
  std::vector<bool> passing(t.rows.size(), false);
  for (std::size_t r : s.ranked) passing[r] = true;
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    if (cell(t, r, "status") != "ok") continue;
    const auto p = front_point(t, r);
    if (!p) continue;
    svg::Series& into = passing[r] ? pass : other;
    into.x.push_back(p->second);
    into.y.push_back(p->first);
    if (s.pareto[r]) plot.highlight.emplace_back(p->second, p->first);
  }
  plot.series.push_back(std::move(pass));
  if (!other.x.empty()) plot.series.push_back(std::move(other));
  return svg::render_scatter(plot);
}

}  // namespace moesim
