// Reads a JSON document (our own summary.json and sweep journal lines) into a flat list of
// (dotted key, value): {"tpot_s": {"p90": 0.05}} -> ("tpot_s.p90", 0.05). Objects nest with '.',
// array elements get their position ("a.0", "a.1"). Keys keep document order, and a key that
// appears twice in one object appears twice in the list. The parsing is nlohmann-json's (its SAX
// interface, so no tree is built); this file only flattens and locates errors.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "models/errors.hpp"

namespace moesim {

struct FlatValue {
  bool is_number = false;
  double number = 0;  // when is_number
  // Strings as they are (unescaped); true/false as "true"/"false"; null as "null". For numbers the
  // shortest round-tripping text of `number` (JsonWriter::number), so equal values print equally.
  std::string text;
  bool is_null = false;  // JSON null (text "null"): an undefined statistic in summary.json
  bool operator==(const FlatValue&) const = default;
};

using FlatJson = std::vector<std::pair<std::string, FlatValue>>;

// A document that is not JSON, or not an object or array at the top. what() is
// "JSON: <detail> at line L, column C"; callers that know the file name say "FILE:L:C: ...".
class JsonSyntaxError : public InputError {
 public:
  JsonSyntaxError(std::string detail, std::size_t byte, std::size_t line, std::size_t column);
  [[nodiscard]] const std::string& detail() const { return detail_; }
  [[nodiscard]] std::size_t byte() const { return byte_; }      // 0-based offset of the problem
  [[nodiscard]] std::size_t line() const { return line_; }      // 1-based
  [[nodiscard]] std::size_t column() const { return column_; }  // 1-based, in bytes

 private:
  std::string detail_;
  std::size_t byte_, line_, column_;
};

// Flattens `text`, which must hold one JSON object or array (whitespace around it is fine).
// Throws JsonSyntaxError locating the first problem.
[[nodiscard]] FlatJson flatten_json(const std::string& text);

// The value of `key` in `flat`, or nullptr.
[[nodiscard]] const FlatValue* find_flat(const FlatJson& flat, const std::string& key);

}  // namespace moesim
