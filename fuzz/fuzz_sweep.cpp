// libFuzzer target: the sweep loader (scenarios/sweep_loader.hpp load_sweep_text) on arbitrary
// YAML, then every point of what it accepts (up to 64): sweep_point must give each index a
// fate, and results.csv must be buildable from them. Relative paths resolve against an empty
// scratch directory.
#include <string>

#include "analysis/sweep_results.hpp"
#include "fuzz/fuzz_support.hpp"
#include "scenarios/sweep_loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  moesim::fuzz::expected_errors([&] {
    const moesim::SweepFile f =
        moesim::load_sweep_text(text, "fuzz.yaml", moesim::fuzz::scratch_dir().string());
    const std::size_t n = moesim::sweep_size(f.spec);
    moesim::fuzz::require(n >= 1 && n <= moesim::kMaxSweepPoints, "sweep size out of range");
    moesim::fuzz::require(f.base_text.find("\nsweep:") == std::string::npos,
                          "base text keeps its sweep section");
    std::vector<moesim::JournalEntry> entries;
    for (std::size_t i = 0; i < n && i < 64; ++i) {
      const moesim::SweepPoint p = moesim::sweep_point(f.spec, i);
      moesim::fuzz::require(p.index == i, "point index");
      entries.push_back({i, p.fate == moesim::PointFate::kRun ? "ok" : "filtered", p.values,
                         p.reason, {}});
    }
    std::vector<std::string> columns;
    for (const auto& a : f.spec.axes) columns.push_back(a.path);
    (void)moesim::results_csv(columns, entries);
  });
  return 0;
}
