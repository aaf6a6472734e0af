// Per-position acceptance: drafted token i (1-based) is accepted with probability rates[i-1]
// given that all earlier ones were; positions beyond the list reuse the last rate.
#include "models/acceptance_model.hpp"

namespace moesim {
namespace {
class PerPositionAcceptance final : public AcceptanceModel {
 public:
  explicit PerPositionAcceptance(std::vector<double> rates) : rates_(std::move(rates)) {}
  std::vector<double> accepted_distribution(int gamma) const override {
    std::vector<double> d(gamma + 1);
    double reach = 1.0;  // P(first n drafted tokens all accepted)
    for (int n = 0; n < gamma; ++n) {
      const double r = rates_[std::min<std::size_t>(n, rates_.size() - 1)];
      d[n] = reach * (1.0 - r);
      reach *= r;
    }
    d[gamma] = reach;
    return d;
  }

 private:
  std::vector<double> rates_;
};
}  // namespace

void register_per_position_acceptance(AcceptanceRegistry& r) {
  r.add({"per_position",
         "conditional acceptance rate per draft position (the last repeats)",
         {list_param("rates", "acceptance rate of draft positions 1, 2, ...", 0.0, 1.0)},
         [](const ParamSet& p) {
           return std::make_unique<PerPositionAcceptance>(p.list("rates"));
         }});
}

}  // namespace moesim
