#include "analysis/report_csv.hpp"

#include <fstream>
#include <sstream>

#include "analysis/sweep_expr.hpp"
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
  LocatedCsv t;
  t.path = path;
  if (text.empty()) throw InputError(path + ":1: empty file: no header line");
  if (text.back() != '\n') {
    throw InputError(path + ": the last line ends without a newline: the file is truncated");
  }
  std::vector<std::string> rec;
  std::string field;
  bool quoted = false, have_header = false;
  std::size_t line = 1, start = 1;
  const auto end_record = [&] {
    rec.push_back(std::move(field));
    field.clear();
    if (!have_header) {
      t.header = std::move(rec);
      have_header = true;
    } else if (rec.size() != t.header.size()) {
      throw InputError(path + ":" + std::to_string(start) + ": " + std::to_string(rec.size()) +
                       " fields, the header has " + std::to_string(t.header.size()));
    } else {
      t.rows.push_back(std::move(rec));
      t.lines.push_back(start);
    }
    rec.clear();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') ++line;
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rec.push_back(std::move(field));
      field.clear();
    } else if (c == '\n') {
      end_record();
      start = line;
    } else if (c != '\r') {
      field += c;
    }
  }
  if (quoted) throw InputError(path + ":" + std::to_string(start) + ": a quoted field is not closed");
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
