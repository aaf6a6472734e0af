#include "analysis/validation_table.hpp"

#include <cmath>
#include <cstdio>

namespace moesim {
namespace {

// Four significant digits: enough to compare with papers that print 3-4.
std::string num(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

std::string percent(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%+.1f", 100.0 * v);
  return buf;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string md_cell(std::string s) {
  for (std::size_t i = 0; (i = s.find('|', i)) != std::string::npos; i += 2) s.replace(i, 1, "\\|");
  return s;
}

}  // namespace

std::optional<double> relative_error(const ValidationRow& r) {
  if (!r.predicted || !(r.published > 0)) return std::nullopt;
  return (*r.predicted - r.published) / r.published;
}

bool within(const ValidationRow& r, double tolerance) {
  const auto e = relative_error(r);
  // A small slack so that a figure printed with the tolerance's own rounding still counts.
  return e && std::fabs(*e) <= tolerance + 1e-12;
}

std::string validation_markdown(const std::vector<ValidationRow>& rows, double tolerance) {
  const std::string tol = num(100.0 * tolerance) + "%";
  std::string out = "| figure | source | published | predicted | error % | within " + tol +
                    " |\n|---|---|---:|---:|---:|:---:|\n";
  std::size_t hits = 0;
  for (const auto& r : rows) {
    const auto e = relative_error(r);
    const bool ok = within(r, tolerance);
    hits += ok ? 1 : 0;
    out += "| " + md_cell(r.id) + " | " + md_cell(r.source) + " | " + num(r.published) + " " +
           md_cell(r.unit) + " | " + (r.predicted ? num(*r.predicted) : "-") + " | " +
           (e ? percent(*e) : "-") + " | " + (ok ? "yes" : "no") + " |\n";
  }
  out += "\n" + std::to_string(hits) + " of " + std::to_string(rows.size()) + " figures within " +
         tol + "\n";
  return out;
}

std::string validation_csv(const std::vector<ValidationRow>& rows, double tolerance) {
  std::string out = "id,source,unit,published,predicted,error_percent,within,note\n";
  for (const auto& r : rows) {
    const auto e = relative_error(r);
    char pub[40], pred[40], err[40];
    std::snprintf(pub, sizeof pub, "%.10g", r.published);
    std::snprintf(pred, sizeof pred, "%.10g", r.predicted.value_or(0));
    std::snprintf(err, sizeof err, "%.4f", e.value_or(0) * 100.0);
    out += csv_field(r.id) + "," + csv_field(r.source) + "," + csv_field(r.unit) + "," + pub + "," +
           (r.predicted ? pred : "") + "," + (e ? err : "") + "," +
           (within(r, tolerance) ? "yes" : "no") + "," + csv_field(r.note) + "\n";
  }
  return out;
}

}  // namespace moesim
