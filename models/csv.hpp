// The one reader of comma-separated files (RFC 4180) for every CSV moesim reads: traces, lengths
// files, measured profile tables, Vidur tables, results.csv, requests.csv and steps.csv, serving
// runs' timeseries.csv. A field may be quoted ("..."), a quote inside it written twice (""), and a
// quoted field may hold commas and newlines. Lines end with LF or CRLF; the last line may lack
// one; a UTF-8 byte order mark at the start is skipped (utf8_bom.hpp). The first record is the
// header giving the column names. Every record carries the 1-based line number of its first line.
// Records are read one at a time from a std::istream (a multi-GB trace is never held whole), or a
// whole text at once (`parse_csv_table`).
#pragma once

#include <cstddef>
#include <cstdint>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/errors.hpp"

namespace moesim {

// How a file's writers and readers deviate from plain RFC 4180, each as its caller needs.
struct CsvOptions {
  bool trim = false;           // drop spaces and tabs around an unquoted field (traces, lengths)
  bool skip_blank = true;      // skip a line that is empty or holds spaces and tabs only
  bool skip_comments = false;  // skip a line whose first character is '#' (profile tables)
  bool check_fields = true;    // a record whose field count differs from the header's: CsvError
};

// A malformed file: an unclosed quote, text after a closing quote, or (with check_fields) a
// record of the wrong width. what() is "PATH:LINE: REASON"; the parts are kept for callers whose
// messages say it otherwise.
class CsvError : public InputError {
 public:
  enum class Kind { kUnclosedQuote, kAfterQuote, kFieldCount };
  CsvError(Kind kind, std::string path, std::int64_t line, std::string reason)
      : InputError(path + ":" + std::to_string(line) + ": " + reason),
        kind_(kind), line_(line), reason_(std::move(reason)) {}
  [[nodiscard]] Kind kind() const { return kind_; }
  [[nodiscard]] std::int64_t line() const { return line_; }
  [[nodiscard]] const std::string& reason() const { return reason_; }

 private:
  Kind kind_;
  std::int64_t line_;
  std::string reason_;
};

struct CsvRecord {
  std::int64_t line = 0;            // 1-based line of the record's first character
  std::vector<std::string> fields;  // unquoted
};

// Reads records one at a time. The header is read by the constructor.
class CsvReader {
 public:
  // Reads from `in`, which must outlive the reader; `path` names it in messages.
  CsvReader(std::istream& in, std::string path, CsvOptions options = {});
  // Reads from a stream the reader owns (an opened std::ifstream, say).
  CsvReader(std::unique_ptr<std::istream> in, std::string path, CsvOptions options = {});
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  // False when the input held no header (empty, or blank and comment lines only).
  [[nodiscard]] bool has_header() const { return has_header_; }
  [[nodiscard]] const std::vector<std::string>& header() const { return header_.fields; }
  // Line of the header (0 without one).
  [[nodiscard]] std::int64_t header_line() const { return header_.line; }
  // Index of column `name` in the header, or nullopt.
  [[nodiscard]] std::optional<std::size_t> column(std::string_view name) const;
  // The next record into `rec` (its vectors and strings are reused: no allocation per record once
  // they have grown); false at the end of the input.
  bool next(CsvRecord& rec);
  [[nodiscard]] const std::string& path() const { return path_; }
  // Line of the record last returned (the header's before the first).
  [[nodiscard]] std::int64_t line() const { return last_line_; }
  // "PATH:LINE" of the record last returned, the prefix of row messages.
  [[nodiscard]] std::string where() const { return path_ + ":" + std::to_string(last_line_); }

 private:
  bool read_record(CsvRecord& rec);
  bool fill();  // refills the buffer; false at end of input
  [[nodiscard]] bool at_end() { return pos_ == end_ && !fill(); }

  std::unique_ptr<std::istream> owned_;
  std::istream& in_;
  std::string path_;
  CsvOptions options_;
  std::vector<char> buffer_;
  std::size_t pos_ = 0, end_ = 0;
  std::int64_t line_ = 1;  // line of the next character
  std::int64_t last_line_ = 0;
  bool first_ = true;  // no byte read yet (for the byte order mark)
  bool has_header_ = false;
  CsvRecord header_;
};

// A whole file in memory.
struct CsvTable {
  std::string path;
  std::vector<std::string> header;
  std::int64_t header_line = 0;               // 0: no header (an empty input)
  std::vector<std::vector<std::string>> rows;  // the records after the header
  std::vector<std::int64_t> lines;             // the line each row starts on
  [[nodiscard]] std::optional<std::size_t> column(std::string_view name) const;
};

// Every record of `text` (`path` names it in messages). An input without header gives a table
// with header_line 0 and no rows; the caller says what that means for it.
[[nodiscard]] CsvTable parse_csv_table(std::string_view text, const std::string& path,
                                       CsvOptions options = {});
// Every record of an opened stream.
[[nodiscard]] CsvTable read_csv_table(std::istream& in, const std::string& path,
                                      CsvOptions options = {});

}  // namespace moesim
