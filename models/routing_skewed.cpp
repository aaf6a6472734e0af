// Skewed routing: expert popularity follows a Zipf-like law p_j ~ 1/j^s (popular experts get
// more tokens, so fewer distinct experts are touched and the busiest rank is busier).
#include <cmath>

#include "models/routing_popularity.hpp"

namespace moesim {
namespace {
class SkewedRouting final : public RoutingModel {
 public:
  SkewedRouting(double exponent, unsigned long long seed) : exponent_(exponent), seed_(seed) {}
  ExpertLoad load(double tokens, const MoeDims& moe, int ep) const override {
    const RoutingTables& t = cache_.get(moe, ep, [&] {
      std::vector<double> w(moe.experts);
      for (int j = 0; j < moe.experts; ++j) w[j] = 1.0 / std::pow(double(j + 1), exponent_);
      return RoutingTables{selection_probabilities(std::move(w), moe.top_k),
                           shuffled_placement(moe.experts, ep, seed_)};
    });
    return popularity_load(t, ep, tokens, moe.top_k);
  }

 private:
  RoutingTableCache cache_;
  double exponent_;
  unsigned long long seed_;
};
}  // namespace

void register_skewed_routing(RoutingRegistry& r) {
  r.add({"skewed",
         "Zipf-like expert popularity p_j ~ 1/j^exponent; popularity ranks placed on EP ranks by a "
         "seeded random permutation",
         {number_param("exponent", 1.0, 0.0, 5.0, "Zipf exponent s (0 = uniform)"),
          integer_param("placement_seed", 1, 0, 1LL << 62,
                        "seed of the permutation that places experts on EP ranks")},
         [](const ParamSet& p) {
           return std::make_unique<SkewedRouting>(
               p.number("exponent"), static_cast<unsigned long long>(p.integer("placement_seed")));
         }});
}

}  // namespace moesim
