// Subcommands of the moesim binary. Each returns the process exit status; user errors are
// thrown (ScenarioError, ConfigError, InputError, UsageError) and mapped to status 2 in main.
#pragma once

#include <string>

namespace moesim {

int cmd_validate(int argc, char** argv);
int cmd_validation(int argc, char** argv);
int cmd_capacity(int argc, char** argv);
int cmd_cost(int argc, char** argv);
int cmd_describe(int argc, char** argv);
int cmd_run(int argc, char** argv);
int cmd_trace(int argc, char** argv);
int cmd_topology(int argc, char** argv);
int cmd_sweep(int argc, char** argv);
int cmd_merge(int argc, char** argv);
// moesim sweep --status DIR (cmd_sweep_status.cpp).
int sweep_status(const std::string& dir);
int cmd_select(int argc, char** argv);
int cmd_speculation(int argc, char** argv);
int cmd_calibrate(int argc, char** argv);
int cmd_fidelity(int argc, char** argv);
int cmd_compare(int argc, char** argv);
int cmd_report(int argc, char** argv);

}  // namespace moesim
