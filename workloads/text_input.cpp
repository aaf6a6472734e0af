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

std::vector<std::string_view> split_csv(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t begin = 0;
  while (true) {
    const std::size_t comma = line.find(',', begin);
    std::string_view f =
        line.substr(begin, comma == std::string_view::npos ? line.npos : comma - begin);
    while (!f.empty() && (f.front() == ' ' || f.front() == '\t')) f.remove_prefix(1);
    while (!f.empty() && (f.back() == ' ' || f.back() == '\t')) f.remove_suffix(1);
    out.push_back(f);
    if (comma == std::string_view::npos) break;
    begin = comma + 1;
  }
  return out;
}

int find_column(const std::vector<std::string_view>& header, std::string_view name) {
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return int(i);
  }
  return -1;
}

std::string join_fields(const std::vector<std::string_view>& fields) {
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
