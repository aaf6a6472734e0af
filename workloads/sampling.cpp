#include "workloads/sampling.hpp"

#include <cmath>

namespace moesim {

double sample_gamma(RandomStream& rng, double shape) {
  if (shape < 1.0) {
    const double u = 1.0 - rng.uniform();  // (0, 1]: the power is never 0^(1/a) by accident
    return sample_gamma(rng, shape + 1.0) * std::pow(u, 1.0 / shape);
  }
  // Squeeze-and-reject on a transformed normal; accepts about 95% or more of candidates.
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  while (true) {
    const double x = rng.normal();
    double v = 1.0 + c * x;
    if (v <= 0.0) continue;
    v = v * v * v;
    const double u = rng.uniform();
    const double x2 = x * x;
    if (u < 1.0 - 0.0331 * x2 * x2) return d * v;
    if (std::log(u) < 0.5 * x2 + d * (1.0 - v + std::log(v))) return d * v;
  }
}

}  // namespace moesim
