#include "cli/args.hpp"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "scenarios/diagnostics.hpp"

namespace moesim {

Args::Args(int argc, char** argv, int first, const CommandSpec& spec) : spec_(&spec) {
  for (int i = first; i < argc; ++i) {
    if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
      throw HelpRequested(help_text(spec));
    }
  }
  std::vector<std::string> all_flags;
  for (const auto& o : spec.options) all_flags.push_back("--" + o.name);
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
    const Option* option = spec.find(name);
    if (!option) throw UsageError("unknown option '" + a + "'; " + suggestion_text(a, all_flags));
    if (option->takes_value() && !inline_value) {
      if (i + 1 >= argc) throw UsageError("option '" + a + "' needs a value");
      value = argv[++i];
    }
    if (!option->takes_value() && inline_value) {
      throw UsageError("option '" + a + "' takes no value");
    }
    values_[name].push_back(value);
  }
}

const Option& Args::declared(const std::string& flag) const {
  const Option* o = spec_->find(flag);
  if (!o) {
    throw std::logic_error("option '--" + flag + "' is read but not in the table of 'moesim " +
                           spec_->name + "'");
  }
  return *o;
}

bool Args::has(const std::string& flag) const {
  (void)declared(flag);
  return values_.count(flag) > 0;
}

std::optional<std::string> Args::get(const std::string& flag) const {
  (void)declared(flag);
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

long long Args::get_int_in(const std::string& flag, long long def) const {
  const Option& o = declared(flag);
  if (!o.ranged()) throw std::logic_error("option '--" + flag + "' has no range in its table");
  const long long lo = o.min, hi = o.max;
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
  (void)declared(flag);
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
