// Small text-file helpers shared by the CSV and JSON-lines readers: a line reader that counts
// physical lines (JSON lines; CSV files are read by models/csv.hpp), a strict token-count parser
// and path resolution.
#pragma once

#include <cstdint>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

namespace moesim {

// Reads a text file one line at a time. Line numbers are physical and 1-based (blank lines
// count but are never returned), so messages point at the line an editor shows.
class LineReader {
 public:
  // Opens `path`; throws InputError("PATH: cannot open file") when it cannot.
  explicit LineReader(std::string path);
  // The next non-blank line without its end-of-line ("\n" or "\r\n") and, on the first line,
  // without a UTF-8 byte order mark; false at end of file.
  bool next(std::string& line);
  // Number of the line last returned by next() (0 before the first).
  [[nodiscard]] std::int64_t line_number() const { return line_; }
  [[nodiscard]] const std::string& path() const { return path_; }
  // "PATH:LINE" of the line last returned, the prefix of every row message.
  [[nodiscard]] std::string where() const { return path_ + ":" + std::to_string(line_); }

 private:
  std::string path_;
  std::ifstream in_;
  std::int64_t line_ = 0;
};

// Throws ParamInputError(param, "PATH: cannot open file") when `path` does not exist and
// ("PATH: is a folder, not a file") when it is a folder, which an ifstream opens and reads as
// empty. `param` names the plug-in parameter that gave the path, for the scenario's location.
void check_input_file(const std::string& path, const std::string& param);

// "a, b, c": the fields of a header, for messages.
[[nodiscard]] std::string join_fields(const std::vector<std::string>& fields);

// Parses a whole field as a non-negative decimal integer ("123"; no sign, point or exponent).
[[nodiscard]] bool parse_count(std::string_view text, std::int64_t& out);

// `path` itself when it is absolute or `base_dir` is empty, else base_dir/path.
[[nodiscard]] std::string resolve_path(const std::string& path, const std::string& base_dir);

// "%g" of a number, for messages.
[[nodiscard]] std::string number_text(double v);

}  // namespace moesim
