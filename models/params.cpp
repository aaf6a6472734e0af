#include "models/params.hpp"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "models/errors.hpp"

namespace moesim {

std::string ParamSpec::type_text() const {
  switch (type) {
    case ParamType::kNumber: return "number";
    case ParamType::kInteger: return "integer";
    case ParamType::kBool: return "true|false";
    case ParamType::kNumberList: return "list of numbers";
    case ParamType::kQuantity: return std::string(dimension_name(dimension));
    case ParamType::kString: {
      if (choices.empty()) return "text";
      std::string s = "one of ";
      for (std::size_t i = 0; i < choices.size(); ++i) s += (i ? "|" : "") + choices[i];
      return s;
    }
  }
  return "?";
}

std::string ParamSpec::default_text() const {
  if (required()) return "(required)";
  return param_value_text(*this, default_value);
}

ParamSpec number_param(std::string name, double def, double min, double max, std::string help) {
  ParamSpec s;
  s.name = std::move(name);
  s.type = ParamType::kNumber;
  s.default_value = def;
  s.help = std::move(help);
  s.min = min;
  s.max = max;
  return s;
}

ParamSpec required_number_param(std::string name, double min, double max, std::string help) {
  ParamSpec s;
  s.name = std::move(name);
  s.type = ParamType::kNumber;
  s.default_value = std::monostate{};
  s.help = std::move(help);
  s.min = min;
  s.max = max;
  return s;
}

ParamSpec integer_param(std::string name, std::int64_t def, std::int64_t min, std::int64_t max,
                        std::string help) {
  ParamSpec s;
  s.name = std::move(name);
  s.type = ParamType::kInteger;
  s.default_value = def;
  s.help = std::move(help);
  s.min = double(min);
  s.max = double(max);
  return s;
}

ParamSpec quantity_param(std::string name, Dimension d, double def_si, double min_si,
                         std::string help) {
  ParamSpec s;
  s.name = std::move(name);
  s.type = ParamType::kQuantity;
  s.default_value = def_si;
  s.help = std::move(help);
  s.dimension = d;
  s.min = min_si;
  return s;
}

ParamSpec list_param(std::string name, std::string help, double min, double max) {
  ParamSpec s;
  s.name = std::move(name);
  s.type = ParamType::kNumberList;
  s.default_value = std::monostate{};
  s.help = std::move(help);
  s.min = min;
  s.max = max;
  return s;
}

ParamSpec bool_param(std::string name, bool def, std::string help) {
  ParamSpec s;
  s.name = std::move(name);
  s.type = ParamType::kBool;
  s.default_value = def;
  s.help = std::move(help);
  return s;
}

ParamSpec string_param(std::string name, std::string def, std::vector<std::string> choices,
                       std::string help) {
  ParamSpec s;
  s.name = std::move(name);
  s.type = ParamType::kString;
  s.default_value = std::move(def);
  s.help = std::move(help);
  s.choices = std::move(choices);
  return s;
}

double ParamSet::number(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) throw ConfigError("parameter '" + name + "' is not set");
  if (auto* d = std::get_if<double>(&it->second)) return *d;
  if (auto* i = std::get_if<std::int64_t>(&it->second)) return double(*i);
  throw ConfigError("parameter '" + name + "' is not a number");
}

std::int64_t ParamSet::integer(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) throw ConfigError("parameter '" + name + "' is not set");
  if (auto* i = std::get_if<std::int64_t>(&it->second)) return *i;
  throw ConfigError("parameter '" + name + "' is not an integer");
}

const std::string& ParamSet::text(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) throw ConfigError("parameter '" + name + "' is not set");
  if (auto* s = std::get_if<std::string>(&it->second)) return *s;
  throw ConfigError("parameter '" + name + "' is not text");
}

bool ParamSet::flag(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) throw ConfigError("parameter '" + name + "' is not set");
  if (auto* b = std::get_if<bool>(&it->second)) return *b;
  throw ConfigError("parameter '" + name + "' is not true|false");
}

const std::vector<double>& ParamSet::list(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) throw ConfigError("parameter '" + name + "' is not set");
  if (auto* l = std::get_if<std::vector<double>>(&it->second)) return *l;
  throw ConfigError("parameter '" + name + "' is not a list");
}

namespace {

std::string range_text(const ParamSpec& s) {
  std::ostringstream o;
  if (s.type == ParamType::kInteger) {  // exact: [1, 1099511627776], not [1, 1.09951e+12]
    o << "[" << std::int64_t(s.min) << ", " << std::int64_t(s.max) << "]";
  } else {
    o << "[" << s.min << ", " << s.max << "]";
  }
  return o.str();
}

bool in_range(const ParamSpec& s, double v) { return v >= s.min && v <= s.max; }

}  // namespace

std::vector<ParamProblem> complete_params(const std::vector<ParamSpec>& specs, ParamSet& set) {
  std::vector<ParamProblem> problems;
  for (const auto& [name, value] : set.values()) {
    bool known = false;
    for (const auto& s : specs) known = known || s.name == name;
    if (!known) problems.push_back({name, "unknown parameter"});
  }
  for (const auto& s : specs) {
    if (!set.has(s.name)) {
      if (s.required()) {
        problems.push_back({s.name, "required parameter is missing (" + s.help + ")"});
        continue;
      }
      set.set(s.name, s.default_value);
      continue;
    }
    const ParamValue& v = set.values().at(s.name);
    switch (s.type) {
      case ParamType::kNumber:
      case ParamType::kQuantity: {
        double d = 0;
        if (auto* p = std::get_if<double>(&v)) d = *p;
        else if (auto* q = std::get_if<std::int64_t>(&v)) d = double(*q);
        else {
          problems.push_back({s.name, "expected a " + s.type_text()});
          break;
        }
        if (!std::isfinite(d) || !in_range(s, d))
          problems.push_back({s.name, "value out of range " + range_text(s)});
        set.set(s.name, d);
        break;
      }
      case ParamType::kInteger: {
        auto* q = std::get_if<std::int64_t>(&v);
        if (!q) problems.push_back({s.name, "expected an integer"});
        else if (!in_range(s, double(*q)))
          problems.push_back({s.name, "value out of range " + range_text(s)});
        break;
      }
      case ParamType::kString: {
        auto* t = std::get_if<std::string>(&v);
        if (!t) {
          problems.push_back({s.name, "expected " + s.type_text()});
        } else if (!s.choices.empty()) {
          bool ok = false;
          for (const auto& c : s.choices) ok = ok || c == *t;
          if (!ok) problems.push_back({s.name, "'" + *t + "' is not " + s.type_text()});
        }
        break;
      }
      case ParamType::kBool:
        if (!std::holds_alternative<bool>(v)) problems.push_back({s.name, "expected true|false"});
        break;
      case ParamType::kNumberList: {
        auto* l = std::get_if<std::vector<double>>(&v);
        if (!l || l->empty()) {
          problems.push_back({s.name, "expected a non-empty list of numbers"});
          break;
        }
        for (double d : *l) {
          if (!std::isfinite(d) || !in_range(s, d)) {
            problems.push_back({s.name, "every element must lie in " + range_text(s)});
            break;
          }
        }
        break;
      }
    }
  }
  return problems;
}

ParamValue param_from_text(const ParamSpec& spec, const std::string& text, std::string& error) {
  error.clear();
  switch (spec.type) {
    case ParamType::kNumber: {
      // As the scenario's own number fields: overflow (1e999) and inf/nan are not numbers.
      char* end = nullptr;
      const double d = std::strtod(text.c_str(), &end);
      if (end == text.c_str() || *end != '\0' || !std::isfinite(d)) {
        error = "expected a number, got '" + text + "'";
        return {};
      }
      return d;
    }
    case ParamType::kInteger: {
      // errno: strtoll saturates at +-2^63 with ERANGE; a saturated value must not pass for
      // what was written (as the scenario's own integer fields).
      char* end = nullptr;
      errno = 0;
      const long long i = std::strtoll(text.c_str(), &end, 10);
      if (end == text.c_str() || *end != '\0' || errno != 0) {
        error = "expected an integer, got '" + text + "'";
        return {};
      }
      return std::int64_t(i);
    }
    case ParamType::kQuantity: {
      auto q = parse_quantity(text, spec.dimension);
      if (!q.value) {
        error = q.error;
        return {};
      }
      return *q.value;
    }
    case ParamType::kBool:
      if (text == "true") return true;
      if (text == "false") return false;
      error = "expected true or false, got '" + text + "'";
      return {};
    case ParamType::kString: return text;
    case ParamType::kNumberList: {
      std::vector<double> out;
      std::stringstream ss(text);
      std::string item;
      while (std::getline(ss, item, ',')) {
        char* end = nullptr;
        const double d = std::strtod(item.c_str(), &end);
        if (end == item.c_str() || *end != '\0') {
          error = "expected a comma-separated list of numbers, got '" + text + "'";
          return {};
        }
        out.push_back(d);
      }
      return out;
    }
  }
  return {};
}

std::string param_value_text(const ParamSpec& spec, const ParamValue& v) {
  char buf[64];
  if (auto* d = std::get_if<double>(&v)) {
    if (spec.type == ParamType::kQuantity) return format_quantity(*d, spec.dimension);
    std::snprintf(buf, sizeof buf, "%.10g", *d);
    return buf;
  }
  if (auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  if (auto* s = std::get_if<std::string>(&v)) return *s;
  if (auto* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  if (auto* l = std::get_if<std::vector<double>>(&v)) {
    std::string out = "[";
    for (std::size_t k = 0; k < l->size(); ++k) {
      std::snprintf(buf, sizeof buf, "%.10g", (*l)[k]);
      out += (k ? ", " : "") + std::string(buf);
    }
    return out + "]";
  }
  return "";
}

}  // namespace moesim
