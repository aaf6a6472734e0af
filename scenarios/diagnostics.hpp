// Errors found in scenario input, each with its place (file:line:column or the --set that made
// it) and key path. All are collected and reported at once; the CLI exits with status 2.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace moesim {

struct Diagnostic {
  std::string location;  // "file.yaml:12:5" or "--set model.layers=40"
  std::string key_path;  // "model.hidden"
  std::string message;
  [[nodiscard]] std::string text() const;  // "<location>: error: <key_path>: <message>"
};

class Diagnostics {
 public:
  void add(Diagnostic d) { items_.push_back(std::move(d)); }
  [[nodiscard]] bool empty() const { return items_.empty(); }
  [[nodiscard]] std::size_t size() const { return items_.size(); }
  [[nodiscard]] const std::vector<Diagnostic>& items() const { return items_; }
  [[nodiscard]] std::string text() const;  // one line per diagnostic

 private:
  std::vector<Diagnostic> items_;
};

// Thrown by the scenario loader when any diagnostic was collected.
class ScenarioError : public std::runtime_error {
 public:
  explicit ScenarioError(Diagnostics d)
      : std::runtime_error(d.text()), diagnostics_(std::move(d)) {}
  [[nodiscard]] const Diagnostics& diagnostics() const { return diagnostics_; }

 private:
  Diagnostics diagnostics_;
};

// Levenshtein distance, and the closest candidate within a typo's reach (empty if none).
[[nodiscard]] std::size_t edit_distance(const std::string& a, const std::string& b);
[[nodiscard]] std::string closest_match(const std::string& word,
                                        const std::vector<std::string>& candidates);
// "did you mean 'x'? " (or "") followed by "(valid: a, b, c)".
[[nodiscard]] std::string suggestion_text(const std::string& word,
                                          const std::vector<std::string>& candidates,
                                          const char* what = "valid");

}  // namespace moesim
