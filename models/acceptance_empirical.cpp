// Empirical acceptance: a measured distribution of accepted lengths, probabilities[n] for
// n = 0, 1, ... accepted drafted tokens (normalised). With gamma below the table's range, the
// mass of longer acceptances folds into n = gamma (they would have been cut at gamma).
#include <numeric>

#include "models/acceptance_model.hpp"

namespace moesim {
namespace {
class EmpiricalAcceptance final : public AcceptanceModel {
 public:
  explicit EmpiricalAcceptance(std::vector<double> p) : p_(std::move(p)) {
    const double sum = std::accumulate(p_.begin(), p_.end(), 0.0);
    for (double& v : p_) v /= sum;
  }
  std::vector<double> accepted_distribution(int gamma) const override {
    std::vector<double> d(gamma + 1, 0.0);
    for (std::size_t n = 0; n < p_.size(); ++n) d[std::min<std::size_t>(n, gamma)] += p_[n];
    return d;
  }

 private:
  std::vector<double> p_;
};
}  // namespace

void register_empirical_acceptance(AcceptanceRegistry& r) {
  r.add({"empirical",
         "measured distribution of accepted drafted tokens per round (index = count)",
         {list_param("probabilities", "relative frequency of 0, 1, 2, ... accepted tokens", 0.0,
                     1e18)},
         [](const ParamSet& p) {
           const auto& v = p.list("probabilities");
           if (std::accumulate(v.begin(), v.end(), 0.0) <= 0)
             throw ConfigError("acceptance model 'empirical': probabilities sum to zero");
           return std::make_unique<EmpiricalAcceptance>(v);
         }});
}

}  // namespace moesim
