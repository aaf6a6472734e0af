// Uniform routing: every token picks K of E experts uniformly (MoESD's N(t)).
#include <cmath>

#include "models/routing_popularity.hpp"

namespace moesim {

double uniform_activated_experts(double tokens, int experts, int top_k) {
  return experts * (1.0 - std::pow(1.0 - double(top_k) / experts, tokens));
}

namespace {
class UniformRouting final : public RoutingModel {
 public:
  ExpertLoad load(double tokens, const MoeDims& moe, int ep) const override {
    const RoutingTables& t = cache_.get(moe, ep, [&] {
      return RoutingTables{std::vector<double>(moe.experts, double(moe.top_k) / moe.experts),
                           contiguous_placement(moe.experts, ep)};
    });
    return popularity_load(t, ep, tokens, moe.top_k);
  }

 private:
  RoutingTableCache cache_;
};
}  // namespace

void register_uniform_routing(RoutingRegistry& r) {
  r.add({"uniform", "every token picks top_k experts uniformly at random: N(t) = E(1-(1-K/E)^t)",
         {},
         [](const ParamSet&) { return std::make_unique<UniformRouting>(); }});
}

}  // namespace moesim
