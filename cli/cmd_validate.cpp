// moesim validate FILE: reads and checks a scenario, reporting every error at once, then opens
// what a run would read (trace, lengths file, profile folder) and reads the first request.
#include <iostream>

#include "cli/args.hpp"
#include "cli/command_specs.hpp"
#include "cli/commands.hpp"
#include "scenarios/loader.hpp"
#include "scenarios/simulation_factory.hpp"

namespace moesim {

int cmd_validate(int argc, char** argv) {
  const Args a(argc, argv, 2, command_spec("validate"));
  if (a.positionals().size() != 1) throw UsageError(a.usage());
  const Scenario s = load_scenario_file(a.positionals()[0], a.all("set"));
  check_run_inputs(s);
  std::cout << a.positionals()[0] << ": ok (scenario '" << s.name << "': " << s.model.name
            << " on " << s.deployment.devices() << " x " << s.hardware.name << ")\n";
  return 0;
}

}  // namespace moesim
