// Built-in speculation policies (models/speculation_policy.hpp).
#include "models/speculation_policy.hpp"

#include <algorithm>

namespace moesim {
namespace {

class FixedPolicy final : public SpeculationPolicy {
 public:
  int choose(int max_gamma, const std::function<double(int)>&) const override { return max_gamma; }
  bool prices_candidates() const override { return false; }
};

class AdaptivePolicy final : public SpeculationPolicy {
 public:
  explicit AdaptivePolicy(int min_gamma) : min_gamma_(min_gamma) {}
  int choose(int max_gamma, const std::function<double(int)>& rate) const override {
    return best_draft_length(std::min(min_gamma_, max_gamma), max_gamma, rate);
  }
  bool prices_candidates() const override { return true; }

 private:
  int min_gamma_;
};

}  // namespace

int best_draft_length(int lo, int hi, const std::function<double(int)>& rate) {
  int best = lo;
  double best_rate = rate(lo);
  for (int g = lo + 1; g <= hi; ++g) {
    const double r = rate(g);
    if (r > best_rate) {
      best = g;
      best_rate = r;
    }
  }
  return best;
}

const SpeculationPolicyRegistry& speculation_policies() {
  static const SpeculationPolicyRegistry r = [] {
    SpeculationPolicyRegistry reg("speculation policy");
    reg.add({"fixed", "every step drafts gamma tokens per decoding sequence", {},
             [](const ParamSet&) { return std::make_unique<FixedPolicy>(); }});
    reg.add({"adaptive",
             "each step drafts the g in [min_gamma, gamma] that maximises the expected output "
             "tokens per second of its decodes (cost model and acceptance model)",
             {integer_param("min_gamma", 0, 0, 64,
                            "shortest draft considered (0: a step may not speculate)")},
             [](const ParamSet& p) {
               return std::make_unique<AdaptivePolicy>(int(p.integer("min_gamma")));
             }});
    return reg;
  }();
  return r;
}

}  // namespace moesim
