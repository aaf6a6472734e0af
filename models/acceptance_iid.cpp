// i.i.d. acceptance: each drafted token is accepted with probability alpha until the first
// rejection. P(n) = alpha^n (1 - alpha) for n < gamma, P(gamma) = alpha^gamma.
#include <cmath>

#include "models/acceptance_model.hpp"

namespace moesim {
namespace {
class IidAcceptance final : public AcceptanceModel {
 public:
  explicit IidAcceptance(double alpha) : alpha_(alpha) {}
  std::vector<double> accepted_distribution(int gamma) const override {
    std::vector<double> d(gamma + 1);
    for (int n = 0; n < gamma; ++n) d[n] = std::pow(alpha_, n) * (1.0 - alpha_);
    d[gamma] = std::pow(alpha_, gamma);
    return d;
  }

 private:
  double alpha_;
};
}  // namespace

void register_iid_acceptance(AcceptanceRegistry& r) {
  r.add({"iid", "each drafted token accepted with probability alpha, independently",
         {number_param("alpha", 0.8, 0.0, 1.0, "per-token acceptance rate")},
         [](const ParamSet& p) { return std::make_unique<IidAcceptance>(p.number("alpha")); }});
}

}  // namespace moesim
