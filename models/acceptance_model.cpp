#include "models/acceptance_model.hpp"

#include <cmath>

namespace moesim {

double AcceptanceModel::expected_emitted(int gamma) const {
  const auto dist = accepted_distribution(gamma);
  double e = 1.0;
  for (std::size_t n = 0; n < dist.size(); ++n) e += double(n) * dist[n];
  return e;
}

int AcceptanceModel::sample(const std::vector<double>& dist, RandomStream& rng) {
  const double u = rng.uniform();
  double acc = 0;
  for (std::size_t n = 0; n + 1 < dist.size(); ++n) {
    acc += dist[n];
    if (u < acc) return int(n);
  }
  return int(dist.size()) - 1;
}

double iid_expected_emitted(int gamma, double alpha) {
  if (alpha >= 1.0) return gamma + 1.0;
  return (1.0 - std::pow(alpha, gamma + 1)) / (1.0 - alpha);
}

void register_iid_acceptance(AcceptanceRegistry&);
void register_per_position_acceptance(AcceptanceRegistry&);
void register_empirical_acceptance(AcceptanceRegistry&);

const AcceptanceRegistry& acceptance_models() {
  static const AcceptanceRegistry registry = [] {
    AcceptanceRegistry r("acceptance model");
    register_iid_acceptance(r);
    register_per_position_acceptance(r);
    register_empirical_acceptance(r);
    return r;
  }();
  return registry;
}

}  // namespace moesim
