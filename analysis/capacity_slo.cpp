#include "analysis/capacity_slo.hpp"

#include <cstdlib>
#include <map>

#include "models/units.hpp"

namespace moesim {
namespace {

std::vector<std::string> split_csv_line(const std::string& line) {
  // requests.csv quotes nothing but a rejected row's reason ("rejected: ..."), which may hold a
  // comma inside quotes.
  std::vector<std::string> out(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        out.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        out.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else if (c != '\r') {
      out.back() += c;
    }
  }
  return out;
}

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
  std::string text;
  for (char c : written) {
    if (c != ' ' && c != '\t') text += c;
  }
  const std::size_t op = text.find('<');
  if (op == std::string::npos || op == 0) {
    throw SloError("'" + written + "': expected METRIC<=DURATION, e.g. ttft<=2s or tpot<=50ms");
  }
  SloTarget t;
  t.text = text;
  t.metric = text.substr(0, op);
  bool known = false;
  for (const auto& m : slo_metric_names()) known = known || m == t.metric;
  if (!known) {
    std::string list;
    for (const auto& m : slo_metric_names()) list += (list.empty() ? "" : ", ") + m;
    throw SloError("'" + written + "': unknown metric '" + t.metric + "'; expected one of " +
                   list);
  }
  t.inclusive = op + 1 < text.size() && text[op + 1] == '=';
  const std::string limit = text.substr(op + (t.inclusive ? 2 : 1));
  const ParsedQuantity q = parse_quantity(limit, Dimension::kTime);
  if (!q.value) throw SloError("'" + written + "': " + q.error);
  if (!(*q.value > 0)) throw SloError("'" + written + "': the limit must be above 0");
  t.limit_s = *q.value;
  return t;
}

std::vector<RequestOutcome> parse_requests_csv(const std::string& text) {
  std::vector<RequestOutcome> rows;
  std::map<std::string, std::size_t> col;
  std::size_t start = 0, line_no = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(start, end - start);
    start = end + 1;
    ++line_no;
    if (line.empty()) continue;
    const std::vector<std::string> f = split_csv_line(line);
    if (col.empty()) {
      for (std::size_t i = 0; i < f.size(); ++i) col[f[i]] = i;
      for (const char* need : {"ttft_s", "tpot_s", "e2e_s", "status"}) {
        if (!col.count(need)) throw SloError(std::string("requests.csv has no column ") + need);
      }
      continue;
    }
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
  if (col.empty()) throw SloError("requests.csv is empty");
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
    const std::optional<double> v = request_metric(r, t.metric);
    if (!v) {
      if (t.metric == "tpot") continue;  // one output token: no time per output token
      return false;
    }
    if (t.inclusive ? !(*v <= t.limit_s) : !(*v < t.limit_s)) return false;
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
