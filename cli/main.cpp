// moesim: discrete-event simulator of Mixture-of-Experts LLM inference.
#include <cstring>
#include <exception>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "cli/args.hpp"
#include "cli/command_specs.hpp"
#include "cli/commands.hpp"
#include "cli/interrupt.hpp"
#include "cli/version.hpp"
#include "models/errors.hpp"
#include "scenarios/diagnostics.hpp"

namespace {

using Command = int (*)(int argc, char** argv);

// Every command of cli/command_specs.cpp, by name.
Command command_named(const std::string& name) {
  using namespace moesim;
  static const std::map<std::string, Command> commands{
      {"run", cmd_run},           {"validate", cmd_validate}, {"validation", cmd_validation},
      {"cost", cmd_cost},         {"describe", cmd_describe}, {"trace", cmd_trace},
      {"topology", cmd_topology}, {"sweep", cmd_sweep},       {"merge", cmd_merge},
      {"compare", cmd_compare},   {"select", cmd_select},     {"speculation", cmd_speculation},
      {"calibrate", cmd_calibrate}, {"fidelity", cmd_fidelity}, {"report", cmd_report},
      {"capacity", cmd_capacity}};
  const auto it = commands.find(name);
  return it == commands.end() ? nullptr : it->second;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace moesim;
  const std::string usage = program_help_text(command_specs());
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
    std::cout << usage;
    return argc < 2 ? 2 : 0;
  }
  if (std::strcmp(argv[1], "--version") == 0) {
    std::cout << version_text();
    return 0;
  }
  const std::string cmd = argv[1];
  try {
    if (const Command command = command_named(cmd)) return command(argc, argv);
    std::vector<std::string> names;
    for (const auto& spec : command_specs()) names.push_back(spec.name);
    std::cerr << "moesim: unknown command '" << cmd << "'; " << suggestion_text(cmd, names) << "\n"
              << usage;
    return 2;
  } catch (const HelpRequested& h) {
    std::cout << h.help();
    return 0;
  } catch (const Interrupted& e) {
    std::cerr << "moesim " << cmd << ": " << e.what() << "; temporary files removed\n";
    return 128 + e.signal();
  } catch (const ScenarioError& e) {
    std::cerr << e.diagnostics().text();
    std::cerr << e.diagnostics().size() << " error(s)\n";
    return 2;
  } catch (const UsageError& e) {
    std::cerr << "moesim " << cmd << ": " << e.what() << "\n";
    return 2;
  } catch (const ConfigError& e) {
    std::cerr << "moesim " << cmd << ": error: " << e.what() << "\n";
    return 2;
  } catch (const OutputError& e) {
    std::cerr << "moesim " << cmd << ": error: " << e.what() << "\n";
    return 74;  // EX_IOERR: the environment failed (a sweep re-runs the point on --resume)
  } catch (const InputError& e) {
    std::cerr << "moesim " << cmd << ": error: " << e.what() << "\n";
    return 2;
  } catch (const InvariantError& e) {
    std::cerr << "moesim " << cmd << ": " << e.what() << " (a simulator bug: please report it)\n";
    return 3;
  } catch (const std::exception& e) {
    std::cerr << "moesim " << cmd << ": internal error: " << e.what() << "\n";
    return 1;
  }
}
