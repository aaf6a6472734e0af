#include "cli/args.hpp"

#include <cmath>
#include <cstdlib>
#include <stdexcept>

#include "scenarios/diagnostics.hpp"

namespace moesim {

Args::Args(int argc, char** argv, int first, const std::vector<std::string>& value_flags,
           const std::vector<std::string>& bool_flags) {
  std::vector<std::string> all_flags;
  for (const auto& f : value_flags) all_flags.push_back("--" + f);
  for (const auto& f : bool_flags) all_flags.push_back("--" + f);
  for (int i = first; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--", 0) != 0 || a == "--") {
      positionals_.push_back(a);
      continue;
    }
    std::string value;
    bool inline_value = false;
    if (auto eq = a.find('='); eq != std::string::npos) {
      value = a.substr(eq + 1);
      a = a.substr(0, eq);
      inline_value = true;
    }
    const std::string name = a.substr(2);
    bool takes_value = false, known = false;
    for (const auto& f : value_flags) {
      if (f == name) takes_value = known = true;
    }
    for (const auto& f : bool_flags) {
      if (f == name) known = true;
    }
    if (!known) throw UsageError("unknown option '" + a + "'; " + suggestion_text(a, all_flags));
    if (takes_value && !inline_value) {
      if (i + 1 >= argc) throw UsageError("option '" + a + "' needs a value");
      value = argv[++i];
    }
    if (!takes_value && inline_value) throw UsageError("option '" + a + "' takes no value");
    values_[name].push_back(value);
  }
}

bool Args::has(const std::string& flag) const { return values_.count(flag) > 0; }

std::optional<std::string> Args::get(const std::string& flag) const {
  auto it = values_.find(flag);
  if (it == values_.end()) return std::nullopt;
  return it->second.back();
}

std::string Args::get_or(const std::string& flag, const std::string& def) const {
  auto v = get(flag);
  return v ? *v : def;
}

long long Args::get_int(const std::string& flag, long long def) const {
  auto v = get(flag);
  if (!v) return def;
  char* end = nullptr;
  const long long x = std::strtoll(v->c_str(), &end, 10);
  if (v->empty() || *end != '\0') {
    throw UsageError("option '--" + flag + "' expects an integer, got '" + *v + "'");
  }
  return x;
}

long long Args::get_int_in(const std::string& flag, long long def, long long lo,
                           long long hi) const {
  const long long x = get_int(flag, def);
  if (x < lo || x > hi) {
    throw UsageError("option '--" + flag + "' expects an integer in [" + std::to_string(lo) + ", " +
                     std::to_string(hi) + "], got '" + *get(flag) + "'");
  }
  return x;
}

double Args::get_number(const std::string& flag, double def) const {
  auto v = get(flag);
  if (!v) return def;
  char* end = nullptr;
  const double x = std::strtod(v->c_str(), &end);
  if (v->empty() || *end != '\0' || !std::isfinite(x)) {
    throw UsageError("option '--" + flag + "' expects a number, got '" + *v + "'");
  }
  return x;
}

const std::vector<std::string>& Args::all(const std::string& flag) const {
  static const std::vector<std::string> none;
  auto it = values_.find(flag);
  return it == values_.end() ? none : it->second;
}

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    const auto comma = s.find(',', start);
    const auto end = comma == std::string::npos ? s.size() : comma;
    if (end > start) out.push_back(s.substr(start, end - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace moesim
