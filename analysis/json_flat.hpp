// Reads a JSON document (our own summary.json and sweep journal lines) into a flat list of
// (dotted key, value): {"tpot_s": {"p90": 0.05}} -> ("tpot_s.p90", 0.05). Objects nest with '.',
// array elements get their position ("a.0", "a.1"). Keys keep document order.
#pragma once

#include <string>
#include <utility>
#include <vector>

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

// Flattens `text`, which must hold one JSON object or array (whitespace around it is fine).
// Throws InputError naming the byte offset of the first problem.
[[nodiscard]] FlatJson flatten_json(const std::string& text);

// The value of `key` in `flat`, or nullptr.
[[nodiscard]] const FlatValue* find_flat(const FlatJson& flat, const std::string& key);

}  // namespace moesim
