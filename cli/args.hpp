// Command-line arguments of one subcommand, parsed against its option table (cli/options.hpp):
// --flag value, --flag=value, repeated options, and positionals. Unknown flags are errors with a
// "did you mean"; -h or --help anywhere asks for the help generated from the table.
#pragma once

#include <map>
#include <stdexcept>
#include <optional>
#include <string>
#include <vector>

#include "cli/options.hpp"

namespace moesim {

class Args {
 public:
  // Parses argv[first..argc) against `spec` (which must outlive the Args). Throws HelpRequested
  // when -h or --help is among the arguments, UsageError on a bad command line.
  Args(int argc, char** argv, int first, const CommandSpec& spec);

  // Each accessor takes an option of the table (without "--"); one outside it is a programming
  // error (std::logic_error), so that an option read is always an option accepted.
  [[nodiscard]] bool has(const std::string& flag) const;
  [[nodiscard]] std::optional<std::string> get(const std::string& flag) const;
  [[nodiscard]] std::string get_or(const std::string& flag, const std::string& def) const;
  [[nodiscard]] long long get_int(const std::string& flag, long long def) const;
  // get_int, and a UsageError naming the range when the value lies outside the option's range
  // in the table ([Option::min, Option::max]).
  [[nodiscard]] long long get_int_in(const std::string& flag, long long def) const;
  [[nodiscard]] double get_number(const std::string& flag, double def) const;
  [[nodiscard]] const std::vector<std::string>& all(const std::string& flag) const;
  [[nodiscard]] const std::vector<std::string>& positionals() const { return positionals_; }
  // The command's usage forms (a usage error's text).
  [[nodiscard]] std::string usage() const { return usage_text(*spec_); }

 private:
  const Option& declared(const std::string& flag) const;

  const CommandSpec* spec_;
  std::map<std::string, std::vector<std::string>> values_;
  std::vector<std::string> positionals_;
};

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// -h or --help: `help()` is the text to print on stdout before exiting with status 0.
class HelpRequested : public std::exception {
 public:
  explicit HelpRequested(std::string help) : help_(std::move(help)) {}
  [[nodiscard]] const char* what() const noexcept override { return "help requested"; }
  [[nodiscard]] const std::string& help() const { return help_; }

 private:
  std::string help_;
};

// "a,b,,c" -> {a, b, c}: a comma-separated option value, empty items dropped.
[[nodiscard]] std::vector<std::string> split_commas(const std::string& s);

}  // namespace moesim
