// A result CSV (requests.csv, steps.csv) read for the report with every record's line number, so
// that a malformed file is reported as "FILE:LINE: column 'KEY': ...".
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace moesim {

struct LocatedCsv {
  std::string path;  // as given, for messages
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;  // each exactly header.size() fields
  std::vector<std::int64_t> lines;             // the 1-based line each row starts on

  // The index of `name` in the header; throws InputError "PATH:1: missing column 'NAME'".
  [[nodiscard]] std::size_t require(const std::string& name) const;
  // Row `row`'s cell of column `col` as a number; throws InputError
  // "PATH:LINE: column 'NAME': 'TEXT' is not a number" (an empty cell too).
  [[nodiscard]] double number(std::size_t row, std::size_t col) const;
};

// Reads and parses `path` with models/csv.hpp (RFC 4180; a UTF-8 byte order mark is skipped).
// Throws InputError when the file cannot be read, is empty, has a record whose field count
// differs from the header's ("PATH:LINE: expected 5 fields, got 3"), an unclosed quote, or a last
// line cut short (no final newline).
[[nodiscard]] LocatedCsv read_located_csv(const std::string& path);

// The same from text already read (`path` only names it in messages).
[[nodiscard]] LocatedCsv parse_located_csv(const std::string& text, const std::string& path);

}  // namespace moesim
