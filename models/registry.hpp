// A typed registry of plug-in implementations, selected by name. Each entry declares its
// parameters; an unknown name lists the valid ones.
#pragma once

#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "models/errors.hpp"
#include "models/params.hpp"

namespace moesim {

// Args: extra construction inputs that are not parameters (a seed, a length distribution).
template <class Interface, class... Args>
class Registry {
 public:
  using Factory = std::function<std::unique_ptr<Interface>(const ParamSet&, Args...)>;
  struct Entry {
    std::string name;
    std::string help;
    std::vector<ParamSpec> params;
    Factory make;
  };

  explicit Registry(std::string family) : family_(std::move(family)) {}

  void add(Entry e) {
    if (find(e.name)) throw ConfigError(family_ + " '" + e.name + "' registered twice");
    entries_.push_back(std::move(e));
    std::sort(entries_.begin(), entries_.end(),
              [](const Entry& a, const Entry& b) { return a.name < b.name; });
  }

  [[nodiscard]] const Entry* find(const std::string& name) const {
    for (const auto& e : entries_) {
      if (e.name == name) return &e;
    }
    return nullptr;
  }

  [[nodiscard]] const Entry& at(const std::string& name) const {
    if (const Entry* e = find(name)) return *e;
    throw ConfigError("unknown " + family_ + " '" + name + "'; valid: " + names_text());
  }

  [[nodiscard]] std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& e : entries_) out.push_back(e.name);
    return out;
  }

  [[nodiscard]] std::string names_text() const {
    std::string out;
    for (const auto& e : entries_) out += (out.empty() ? "" : ", ") + e.name;
    return out;
  }

  [[nodiscard]] const std::vector<Entry>& entries() const { return entries_; }
  [[nodiscard]] const std::string& family() const { return family_; }

  // Validates `params` (fills defaults) and builds the implementation.
  [[nodiscard]] std::unique_ptr<Interface> create(const std::string& name, ParamSet params,
                                                  Args... args) const {
    const Entry& e = at(name);
    auto problems = complete_params(e.params, params);
    if (!problems.empty()) {
      std::string msg = family_ + " '" + name + "':";
      for (const auto& p : problems) msg += " " + p.param + ": " + p.message + ";";
      throw ConfigError(msg);
    }
    return e.make(params, args...);
  }

 private:
  std::string family_;
  std::vector<Entry> entries_;
};

}  // namespace moesim
