// libFuzzer target: the topology file reader (scenarios/topology_file.hpp read_topology_text) on
// arbitrary YAML. What it accepts must be a graph whose every link has a positive finite
// bandwidth of at least 1 B/s and a finite, non-negative latency.
#include <cmath>
#include <string>

#include "fuzz/fuzz_support.hpp"
#include "scenarios/topology_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  moesim::fuzz::expected_errors([&] {
    moesim::Diagnostics d;
    const auto spec = moesim::read_topology_text(text, "fuzz.topology.yaml", d);
    moesim::fuzz::require(spec.has_value() == d.empty(), "a spec exactly when no diagnostic");
    if (!spec) return;
    moesim::fuzz::require(spec->nodes() >= 1, "nodes >= 1");
    moesim::fuzz::require(spec->devices_per_node() >= 1, "devices per node >= 1");
  });
  return 0;
}
