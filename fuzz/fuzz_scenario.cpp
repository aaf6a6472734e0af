// libFuzzer target: the scenario loader (scenarios/loader.hpp load_scenario_text) on arbitrary
// YAML. Relative workload paths resolve against an empty scratch directory.
#include <string>

#include "fuzz/fuzz_support.hpp"
#include "scenarios/loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  moesim::fuzz::expected_errors([&] {
    (void)moesim::load_scenario_text(text, "fuzz.yaml", moesim::fuzz::scratch_dir().string());
  });
  return 0;
}
