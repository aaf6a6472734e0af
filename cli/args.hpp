// Command-line arguments of one subcommand: --flag value, --flag=value, repeated --set, and
// positionals. Unknown flags are errors with a "did you mean".
#pragma once

#include <map>
#include <stdexcept>
#include <optional>
#include <string>
#include <vector>

namespace moesim {

class Args {
 public:
  // `value_flags` take a value; `bool_flags` do not. Throws UsageError on a bad command line.
  Args(int argc, char** argv, int first, const std::vector<std::string>& value_flags,
       const std::vector<std::string>& bool_flags);

  [[nodiscard]] bool has(const std::string& flag) const;
  [[nodiscard]] std::optional<std::string> get(const std::string& flag) const;
  [[nodiscard]] std::string get_or(const std::string& flag, const std::string& def) const;
  [[nodiscard]] long long get_int(const std::string& flag, long long def) const;
  // get_int, and a UsageError naming the range when the value lies outside [lo, hi].
  [[nodiscard]] long long get_int_in(const std::string& flag, long long def, long long lo,
                                     long long hi) const;
  [[nodiscard]] double get_number(const std::string& flag, double def) const;
  [[nodiscard]] const std::vector<std::string>& all(const std::string& flag) const;
  [[nodiscard]] const std::vector<std::string>& positionals() const { return positionals_; }

 private:
  std::map<std::string, std::vector<std::string>> values_;
  std::vector<std::string> positionals_;
};

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// "a,b,,c" -> {a, b, c}: a comma-separated option value, empty items dropped.
[[nodiscard]] std::vector<std::string> split_commas(const std::string& s);

}  // namespace moesim
