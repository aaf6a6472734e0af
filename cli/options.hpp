// What one subcommand accepts, declared once: its usage forms, a summary and the table of its
// options (name, value name, help, integer range). `Args` parses a command line against the table
// (an option outside it is rejected with a "did you mean"), and the usage text and `--help` are
// generated from it, so an accepted option is always documented. The tables are in
// cli/command_specs.cpp.
#pragma once

#include <string>
#include <vector>

namespace moesim {

struct Option {
  std::string name{};   // without the leading "--"
  std::string value{};  // the value's name in the help ("N", "DIR"); empty: a flag without value
  std::string help{};   // one sentence, defaults included ("tensor-parallel size (default 1)")
  bool repeatable = false;  // given several times, every value is kept (`Args::all`)
  // An integer option is checked against [min, max] (`Args::get_int_in`) when min <= max.
  long long min = 0;
  long long max = -1;

  [[nodiscard]] bool takes_value() const { return !value.empty(); }
  [[nodiscard]] bool ranged() const { return min <= max; }
};

struct CommandSpec {
  std::string name{};                   // "run", "topology"
  std::string summary{};                // one line, for `moesim --help`
  std::vector<std::string> synopsis{};  // usage forms after "moesim ": "run [SCENARIO] ..."
  std::string description{};            // optional paragraph of the help, lines ending in '\n'
  std::vector<Option> options{};

  // The option named `name` (without "--"); nullptr when the command has none.
  [[nodiscard]] const Option* find(const std::string& name) const;
};

// "usage: moesim FORM" and each further form on its own line, aligned under the first, without a
// final newline (the text of a usage error).
[[nodiscard]] std::string usage_text(const CommandSpec& spec);

// The usage forms, the description, and one entry per option (with its range and "repeatable")
// and for -h / --help: what `moesim CMD --help` prints.
[[nodiscard]] std::string help_text(const CommandSpec& spec);

// `moesim --help`: every command with its summary, then how to get a command's options and the
// version.
[[nodiscard]] std::string program_help_text(const std::vector<CommandSpec>& specs);

}  // namespace moesim
