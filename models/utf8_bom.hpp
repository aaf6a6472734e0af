// The UTF-8 byte order mark (EF BB BF) that some editors and spreadsheet programs write at the
// start of a text file. Every CSV reader skips it, as the YAML reader does: left in place it
// became part of the first column's name ("\xEF\xBB\xBFTIMESTAMP" is no TIMESTAMP column).
#pragma once

#include <string>
#include <string_view>

namespace moesim {

inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// `text` without a leading byte order mark.
[[nodiscard]] inline std::string_view without_utf8_bom(std::string_view text) {
  return text.substr(0, kUtf8Bom.size()) == kUtf8Bom ? text.substr(kUtf8Bom.size()) : text;
}

// Removes a leading byte order mark from the first line of a file.
inline void strip_utf8_bom(std::string& first_line) {
  if (first_line.compare(0, kUtf8Bom.size(), kUtf8Bom) == 0) first_line.erase(0, kUtf8Bom.size());
}

}  // namespace moesim
