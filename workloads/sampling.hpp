// Random variates built only on RandomStream (never <random> distributions, whose algorithms
// differ between standard libraries), so a seed gives the same draws on every platform.
#pragma once

#include "models/rng.hpp"

namespace moesim {

// Gamma(shape, scale = 1) variate; mean = shape, variance = shape. Precondition: shape > 0.
// Marsaglia and Tsang (2000) for shape >= 1; for shape < 1 the identity
// Gamma(a) = Gamma(a + 1) * U^(1/a) with U uniform on (0, 1].
[[nodiscard]] double sample_gamma(RandomStream& rng, double shape);

}  // namespace moesim
