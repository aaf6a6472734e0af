#include "analysis/capacity_slo.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>

#include "models/csv.hpp"
#include "models/units.hpp"

namespace moesim {
namespace {

std::optional<double> number_field(const std::string& f, std::size_t line, const char* column) {
  if (f.empty()) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(f.c_str(), &end);
  if (end != f.c_str() + f.size()) {
    throw SloError("requests.csv line " + std::to_string(line) + ": " + column +
                   " is not a number: '" + f + "'");
  }
  return v;
}

}  // namespace

const std::vector<std::string>& slo_metric_names() {
  static const std::vector<std::string> names{"ttft", "tpot", "e2e"};
  return names;
}

SloTarget parse_slo(const std::string& written) {
  const std::size_t b = written.find_first_not_of(" \t");
  const std::size_t e = written.find_last_not_of(" \t");
  SloTarget t;
  t.text = b == std::string::npos ? "" : written.substr(b, e - b + 1);
  const std::string quote = "'" + t.text + "': ";
  std::shared_ptr<const Expression> ex;
  try {
    ex = std::make_shared<const Expression>(Expression::parse(t.text));
  } catch (const ExpressionError& err) {
    throw SloError(quote + err.what());
  }
  if (!ex->is_comparison())
    throw SloError(quote + "expected a comparison, e.g. ttft<=2s, or tpot<=50ms && ttft<=1s");
  const auto& known = slo_metric_names();
  for (const std::string& n : ex->names()) {
    if (std::find(known.begin(), known.end(), n) == known.end()) {
      std::string list;
      for (const auto& m : known) list += (list.empty() ? "" : ", ") + m;
      throw SloError(quote + "unknown metric '" + n + "'; expected one of " + list);
    }
    t.metrics.push_back(n);
  }
  for (const ExprBound& bound : ex->bounds()) {
    if (bound.op != "<=" && bound.op != "<")
      throw SloError(quote + "'" + bound.text + "': an objective bounds a metric from above (<= or <)");
    if (bound.unit.empty() || !parse_quantity("1" + bound.unit, Dimension::kTime).value)
      throw SloError(quote + "'" + bound.text + "': the limit needs a time unit (" +
                     dimension_units(Dimension::kTime) + ")");
    if (!(bound.value > 0)) throw SloError(quote + "'" + bound.text + "': the limit must be above 0");
  }
  t.expression = std::move(ex);
  return t;
}

std::vector<RequestOutcome> parse_requests_csv(const std::string& text) {
  CsvTable t;
  try {
    t = parse_csv_table(text, "requests.csv", CsvOptions{.check_fields = false});
  } catch (const CsvError& e) {
    throw SloError("requests.csv line " + std::to_string(e.line()) + ": " + e.reason());
  }
  if (t.header_line == 0) throw SloError("requests.csv is empty");
  std::map<std::string, std::size_t> col;
  for (std::size_t i = 0; i < t.header.size(); ++i) col[t.header[i]] = i;
  for (const char* need : {"ttft_s", "tpot_s", "e2e_s", "status"}) {
    if (!col.count(need)) throw SloError(std::string("requests.csv has no column ") + need);
  }
  std::vector<RequestOutcome> rows;
  for (std::size_t i = 0; i < t.rows.size(); ++i) {
    const std::vector<std::string>& f = t.rows[i];
    const auto line_no = std::size_t(t.lines[i]);
    if (f.size() != col.size()) {
      throw SloError("requests.csv line " + std::to_string(line_no) + ": " +
                     std::to_string(f.size()) + " fields, the header has " +
                     std::to_string(col.size()));
    }
    RequestOutcome r;
    r.completed = f[col["status"]] == "completed";
    r.ttft_s = number_field(f[col["ttft_s"]], line_no, "ttft_s");
    r.tpot_s = number_field(f[col["tpot_s"]], line_no, "tpot_s");
    r.e2e_s = number_field(f[col["e2e_s"]], line_no, "e2e_s");
    rows.push_back(r);
  }
  return rows;
}

std::optional<double> request_metric(const RequestOutcome& r, const std::string& metric) {
  if (metric == "ttft") return r.ttft_s;
  if (metric == "tpot") return r.tpot_s;
  if (metric == "e2e") return r.e2e_s;
  return std::nullopt;
}

bool meets_all(const RequestOutcome& r, const std::vector<SloTarget>& targets) {
  if (!r.completed) return false;
  for (const auto& t : targets) {
    const double met = t.expression->evaluate([&](const std::string& name) {
      const std::optional<double> v = request_metric(r, name);
      if (v) return *v;
      if (name == "tpot") return 0.0;  // one output token: no time per output token
      throw ExpressionError("request has no " + name, 0);
    });
    if (met == 0) return false;
  }
  return true;
}

double attainment(const std::vector<RequestOutcome>& rows, const std::vector<SloTarget>& targets) {
  if (rows.empty()) return 0;
  std::size_t met = 0;
  for (const auto& r : rows) met += meets_all(r, targets) ? 1 : 0;
  return double(met) / double(rows.size());
}

DistributionSummary metric_summary(const std::vector<RequestOutcome>& rows,
                                   const std::string& metric) {
  std::vector<double> v;
  for (const auto& r : rows) {
    if (!r.completed) continue;
    if (const auto x = request_metric(r, metric)) v.push_back(*x);
  }
  return summarize(std::move(v));
}

}  // namespace moesim
