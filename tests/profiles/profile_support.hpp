// Shared by the profile tests: the committed synthetic profile and the device it describes.
#pragma once

#include <string>

#include "models/hardware.hpp"

namespace moesim::test {

// tests/profiles/data/synthetic: times from the roofline formula in make_synthetic.py (not
// measured): gemm 0.70/0.80/5 us, grouped 0.60/0.75/8 us, attention 0.50/0.70/6 us,
// elementwise -/0.80/3 us (eta_c / eta_m / launch) on 1e15 FLOP/s and 2e12 B/s.
inline std::string synthetic_profile() {
  return std::string(MOESIM_SOURCE_DIR) + "/tests/profiles/data/synthetic";
}

// "test-ideal": the synthetic profile's device, with the default (not the generating)
// efficiencies and a 4 us launch overhead, as a catalog preset would have them.
inline Hardware test_ideal() {
  Hardware hw;
  hw.name = "test-ideal";
  hw.peak[DType::kBf16] = FlopsPerSec(1e15);
  hw.memory_bandwidth = BytesPerSec(2e12);
  hw.memory_capacity = Bytes(80e9);
  hw.launch_overhead = Seconds(4e-6);
  return hw;
}

// The generating roofline of one class (make_synthetic.py).
inline double synthetic_time(double eta_c, double eta_m, double launch, double flops,
                             double bytes) {
  const double tc = flops / (eta_c * 1e15), tm = bytes / (eta_m * 2e12);
  return (tc > tm ? tc : tm) + launch;
}

}  // namespace moesim::test
