#include "analysis/report_csv.hpp"

#include <fstream>
#include <sstream>

#include "analysis/sweep_expr.hpp"
#include "models/csv.hpp"
#include "models/errors.hpp"
#include "models/utf8_bom.hpp"

namespace moesim {

std::size_t LocatedCsv::require(const std::string& name) const {
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return i;
  }
  throw InputError(path + ":1: missing column '" + name + "'");
}

double LocatedCsv::number(std::size_t row, std::size_t col) const {
  double v = 0;
  if (!parse_sweep_number(rows[row][col], v)) {
    throw InputError(path + ":" + std::to_string(lines[row]) + ": column '" + header[col] +
                     "': '" + rows[row][col] + "' is not a number");
  }
  return v;
}

LocatedCsv parse_located_csv(const std::string& whole, const std::string& path) {
  const std::string_view text = without_utf8_bom(whole);
  if (text.empty()) throw InputError(path + ":1: empty file: no header line");
  if (text.back() != '\n') {
    throw InputError(path + ": the last line ends without a newline: the file is truncated");
  }
  CsvTable table = parse_csv_table(text, path, CsvOptions{.skip_blank = false});
  LocatedCsv t;
  t.path = path;
  t.header = std::move(table.header);
  t.rows = std::move(table.rows);
  t.lines = std::move(table.lines);
  return t;
}

LocatedCsv read_located_csv(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return parse_located_csv(s.str(), path);
}

}  // namespace moesim
