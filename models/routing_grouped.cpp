// MoGE grouped routing (Pangu Pro MoE): experts split into M groups, each token picks K/M experts
// in every group. With whole groups on each EP rank, every rank gets exactly t*K/ep token-expert
// pairs: zero imbalance. The expected number of activated experts equals the uniform case.
#include <cmath>

#include "models/errors.hpp"
#include "models/routing_popularity.hpp"

namespace moesim {
namespace {
class GroupedRouting final : public RoutingModel {
 public:
  ExpertLoad load(double tokens, const MoeDims& moe, int ep) const override {
    const int groups = moe.groups > 1 ? moe.groups : ep;
    if (moe.top_k % groups != 0 || moe.experts % groups != 0) {
      throw ConfigError("grouped routing needs top_k and experts divisible by the number of "
                        "groups (" + std::to_string(groups) + ")");
    }
    const RoutingTables& t = cache_.get(moe, ep, [&] {
      return RoutingTables{std::vector<double>(moe.experts, double(moe.top_k) / moe.experts),
                           contiguous_placement(moe.experts, ep)};
    });
    ExpertLoad out = popularity_load(t, ep, tokens, moe.top_k);
    if (groups % ep == 0) {
      // Each rank holds groups/ep whole groups: its token-expert pairs are exactly t*K/ep.
      out.max_device_assignments = out.mean_device_assignments;
    }
    return out;
  }

 private:
  RoutingTableCache cache_;
};
}  // namespace

void register_grouped_routing(RoutingRegistry& r) {
  r.add({"grouped",
         "MoGE: top_k/groups experts per group per token (groups from the model, or one per EP "
         "rank); zero load imbalance when whole groups sit on each rank",
         {},
         [](const ParamSet&) { return std::make_unique<GroupedRouting>(); }});
}

}  // namespace moesim
