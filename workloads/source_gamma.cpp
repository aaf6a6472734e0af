// Gamma-renewal arrivals: gaps are Gamma(shape k = 1/cv^2, scale = 1/(rate k)), so the mean gap
// is 1/rate and the gaps' coefficient of variation is cv. cv = 1 is Poisson; cv > 1 is bursty
// (clusters of near-simultaneous arrivals separated by long pauses); cv < 1 is smoother.
#include "workloads/generated_source.hpp"
#include "workloads/plugin_params.hpp"
#include "workloads/sampling.hpp"

namespace moesim {
namespace {

class GammaSource final : public GeneratedSource {
 public:
  GammaSource(double rate, double cv, std::int64_t requests, const SourceContext& ctx)
      : GeneratedSource("gamma", requests, ctx),
        shape_(1.0 / (cv * cv)),
        scale_s_(1.0 / (rate * shape_)) {}

 protected:
  double next_gap(RandomStream& rng) override { return scale_s_ * sample_gamma(rng, shape_); }

 private:
  double shape_;
  double scale_s_;
};

}  // namespace

void register_gamma_source(SourceRegistry& r) {
  r.add({"gamma",
         "bursty arrivals: gamma-distributed gaps with mean 1/rate and coefficient of "
         "variation cv; lengths from the workload's length distribution",
         {required_quantity_param("rate", Dimension::kRate, 1e-9, "mean arrival rate ('10/s')"),
          number_param("cv", 2.0, 0.01, 100.0,
                       "coefficient of variation of the gaps (1 = Poisson, > 1 = bursty)"),
          integer_param("requests", 1000, 1, kMaxCountParam, "number of requests generated")},
         [](const ParamSet& p, const SourceContext& ctx) {
           return std::make_unique<GammaSource>(p.number("rate"), p.number("cv"),
                                                p.integer("requests"), ctx);
         }});
}

}  // namespace moesim
