// Measured routing: a per-expert frequency table (share of tokens that select each expert, as
// profiled on real traffic). Frequencies are rescaled to sum to top_k.
#include <string>

#include "models/errors.hpp"
#include "models/routing_popularity.hpp"

namespace moesim {
namespace {
class MeasuredRouting final : public RoutingModel {
 public:
  MeasuredRouting(std::vector<double> f, unsigned long long seed)
      : freq_(std::move(f)), seed_(seed) {}
  ExpertLoad load(double tokens, const MoeDims& moe, int ep) const override {
    if (int(freq_.size()) != moe.experts) {
      throw ConfigError("measured routing: frequency table has " + std::to_string(freq_.size()) +
                        " entries but the model has " + std::to_string(moe.experts) +
                        " routed experts");
    }
    const RoutingTables& t = cache_.get(moe, ep, [&] {
      return RoutingTables{selection_probabilities(freq_, moe.top_k),
                           seed_ == 0 ? contiguous_placement(moe.experts, ep)
                                      : shuffled_placement(moe.experts, ep, seed_)};
    });
    return popularity_load(t, ep, tokens, moe.top_k);
  }

 private:
  std::vector<double> freq_;
  unsigned long long seed_;
  RoutingTableCache cache_;
};
}  // namespace

void register_measured_routing(RoutingRegistry& r) {
  r.add({"measured",
         "per-expert selection frequencies from a profile (one entry per routed expert)",
         {list_param("frequencies", "relative selection frequency of each routed expert", 0.0,
                     1e18),
          integer_param("placement_seed", 0, 0, 1LL << 62,
                        "0: expert j on rank j/(E/ep); otherwise a seeded random placement")},
         [](const ParamSet& p) {
           return std::make_unique<MeasuredRouting>(
               p.list("frequencies"), static_cast<unsigned long long>(p.integer("placement_seed")));
         }});
}

}  // namespace moesim
