// A strict parser for one line holding a flat JSON object, the shape of JSON-lines traces:
// {"timestamp": 0, "input_length": 6955, "hash_ids": [46, 47]}. Values may be numbers, strings,
// true, false, null or arrays of numbers; nested objects and arrays are rejected. Numbers are kept
// as their text so that callers convert them exactly (64-bit ids do not fit a double).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace moesim {

struct FlatJsonField {
  enum class Kind { kNumber, kString, kBool, kNull, kNumberArray };
  std::string key;
  Kind kind = Kind::kNull;
  std::string text;                // number text, decoded string, or "true"/"false"/"null"
  std::vector<std::string> items;  // number texts of an array
};

// Parses `line`; fields come back in file order. Throws RowError naming the column (1-based)
// and what was expected; duplicate keys are errors.
[[nodiscard]] std::vector<FlatJsonField> parse_flat_json_object(std::string_view line);

}  // namespace moesim
