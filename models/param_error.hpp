// Errors that name the plug-in parameter they are about, so that the scenario loader can report
// them at the line where that parameter was written (a trace `path` that does not exist, a
// uniform range whose min exceeds its max). The CLI maps them like their bases (exit status 2).
#pragma once

#include <string>
#include <utility>

#include "models/errors.hpp"

namespace moesim {

// The parameter an error is about ("path", "prompt_min"). Thrown as one of the two below;
// catch it as `const ParamError&`.
class ParamError {
 public:
  explicit ParamError(std::string param) : param_(std::move(param)) {}
  ParamError(const ParamError&) = default;
  ParamError& operator=(const ParamError&) = default;
  virtual ~ParamError() = default;
  [[nodiscard]] const std::string& param() const { return param_; }
  [[nodiscard]] virtual const char* message() const noexcept = 0;

 private:
  std::string param_;
};

// A parameter's value is wrong (a range whose min exceeds its max).
class ParamConfigError final : public ConfigError, public ParamError {
 public:
  ParamConfigError(std::string param, const std::string& what)
      : ConfigError(what), ParamError(std::move(param)) {}
  [[nodiscard]] const char* message() const noexcept override { return what(); }
};

// A file or folder a parameter names cannot be read (missing, a folder given as a file).
class ParamInputError final : public InputError, public ParamError {
 public:
  ParamInputError(std::string param, const std::string& what)
      : InputError(what), ParamError(std::move(param)) {}
  [[nodiscard]] const char* message() const noexcept override { return what(); }
};

}  // namespace moesim
