// Self-described parameters of plug-ins: declared once (name, type, unit, default, range, help);
// the declaration drives parsing, validation, `moesim describe` and the docs.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "models/units.hpp"

namespace moesim {

enum class ParamType { kNumber, kInteger, kString, kBool, kNumberList, kQuantity };

using ParamValue =
    std::variant<std::monostate, double, std::int64_t, std::string, bool, std::vector<double>>;

struct ParamSpec {
  std::string name;
  ParamType type = ParamType::kNumber;
  ParamValue default_value;  // monostate: required
  std::string help;
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  Dimension dimension = Dimension::kTime;  // for kQuantity (value stored in SI units)
  std::vector<std::string> choices;        // for kString, empty = free text

  [[nodiscard]] bool required() const { return std::holds_alternative<std::monostate>(default_value); }
  [[nodiscard]] std::string type_text() const;  // "number", "time", "one of a|b", ...
  [[nodiscard]] std::string default_text() const;
};

// Builders for the common cases.
ParamSpec number_param(std::string name, double def, double min, double max, std::string help);
ParamSpec required_number_param(std::string name, double min, double max, std::string help);
ParamSpec integer_param(std::string name, std::int64_t def, std::int64_t min, std::int64_t max,
                        std::string help);
ParamSpec quantity_param(std::string name, Dimension d, double def_si, double min_si,
                         std::string help);
ParamSpec list_param(std::string name, std::string help, double min, double max);
ParamSpec bool_param(std::string name, bool def, std::string help);
ParamSpec string_param(std::string name, std::string def, std::vector<std::string> choices,
                       std::string help);

// Values of one plug-in instance after validation (every declared parameter is present).
class ParamSet {
 public:
  void set(const std::string& name, ParamValue v) { values_[name] = std::move(v); }
  [[nodiscard]] bool has(const std::string& name) const { return values_.count(name) > 0; }
  [[nodiscard]] double number(const std::string& name) const;  // kNumber, kQuantity, kInteger
  [[nodiscard]] std::int64_t integer(const std::string& name) const;
  [[nodiscard]] const std::string& text(const std::string& name) const;
  [[nodiscard]] bool flag(const std::string& name) const;
  [[nodiscard]] const std::vector<double>& list(const std::string& name) const;
  [[nodiscard]] const std::map<std::string, ParamValue>& values() const { return values_; }

 private:
  std::map<std::string, ParamValue> values_;
};

// One problem found while checking a ParamSet against its specs.
struct ParamProblem {
  std::string param;
  std::string message;
};

// Fills defaults, checks types and ranges, rejects unknown names. Returns every problem.
std::vector<ParamProblem> complete_params(const std::vector<ParamSpec>& specs, ParamSet& set);

// Converts one text value ("1.2", "3.35TB/s", "true", "0.9,0.8") to the spec's type.
// Returns an error sentence in `error` on failure.
ParamValue param_from_text(const ParamSpec& spec, const std::string& text, std::string& error);

// Renders a value for tables and resolved scenarios.
std::string param_value_text(const ParamSpec& spec, const ParamValue& v);

}  // namespace moesim
