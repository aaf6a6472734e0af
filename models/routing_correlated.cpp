// Correlated routing: adjacent tokens of a sequence share experts, so the union of experts a
// batch touches is smaller than N(t). Modelled as t_eff = 1 + (t - 1) * union_factor independent
// tokens for activation; token-expert pairs (compute) are unchanged.
#include <cmath>

#include "models/routing_popularity.hpp"

namespace moesim {
namespace {
class CorrelatedRouting final : public RoutingModel {
 public:
  explicit CorrelatedRouting(double u) : union_factor_(u) {}
  ExpertLoad load(double tokens, const MoeDims& moe, int ep) const override {
    const RoutingTables& t = cache_.get(moe, ep, [&] {
      return RoutingTables{std::vector<double>(moe.experts, double(moe.top_k) / moe.experts),
                           contiguous_placement(moe.experts, ep)};
    });
    const double t_eff = tokens <= 1 ? tokens : 1.0 + (tokens - 1.0) * union_factor_;
    ExpertLoad act = popularity_load(t, ep, t_eff, moe.top_k);
    const ExpertLoad work = popularity_load(t, ep, tokens, moe.top_k);
    act.mean_device_assignments = work.mean_device_assignments;
    act.max_device_assignments = work.max_device_assignments;
    return act;
  }

 private:
  double union_factor_;
  RoutingTableCache cache_;
};
}  // namespace

void register_correlated_routing(RoutingRegistry& r) {
  r.add({"correlated",
         "uniform popularity, but tokens share experts: activation as if only "
         "1 + (t-1)*union_factor tokens were independent",
         {number_param("union_factor", 0.5, 0.0, 1.0,
                       "fraction of extra tokens that pick independently (1 = uniform)")},
         [](const ParamSet& p) {
           return std::make_unique<CorrelatedRouting>(p.number("union_factor"));
         }});
}

}  // namespace moesim
