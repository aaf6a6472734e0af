#include "workloads/text_input.hpp"

#include <charconv>
#include <cstdio>
#include <filesystem>

#include "models/errors.hpp"
#include "models/param_error.hpp"
#include "models/utf8_bom.hpp"

namespace moesim {

LineReader::LineReader(std::string path) : path_(std::move(path)), in_(path_) {
  if (!in_) throw InputError(path_ + ": cannot open file");
}

bool LineReader::next(std::string& line) {
  while (std::getline(in_, line)) {
    ++line_;
    if (line_ == 1) strip_utf8_bom(line);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") != std::string::npos) return true;
  }
  return false;
}

void check_input_file(const std::string& path, const std::string& param) {
  std::error_code ec;
  const auto st = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(st)) throw ParamInputError(param, path + ": cannot open file");
  if (std::filesystem::is_directory(st)) {
    throw ParamInputError(param, path + ": is a folder, not a file");
  }
}

std::string join_fields(const std::vector<std::string>& fields) {
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    out += (i ? ", " : "");
    out += fields[i];
  }
  return out;
}

bool parse_count(std::string_view text, std::int64_t& out) {
  if (text.empty() || text.front() < '0' || text.front() > '9') return false;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end;
}

std::string resolve_path(const std::string& path, const std::string& base_dir) {
  const std::filesystem::path p(path);
  if (base_dir.empty() || p.is_absolute()) return path;
  return (std::filesystem::path(base_dir) / p).string();
}

std::string number_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

}  // namespace moesim
