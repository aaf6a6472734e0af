// The option table of every subcommand (cli/options.hpp), in the order `moesim --help` lists
// them. Each command parses its command line with its own table: `Args(argc, argv, 2,
// command_spec("cost"))`.
#pragma once

#include <string>
#include <vector>

#include "cli/options.hpp"

namespace moesim {

[[nodiscard]] const std::vector<CommandSpec>& command_specs();
// The table of command `name`; throws std::logic_error for a name without one (a programming
// error: every command has a table).
[[nodiscard]] const CommandSpec& command_spec(const std::string& name);

}  // namespace moesim
