// Poisson arrivals: exponential gaps of mean 1 / rate.
#include "workloads/generated_source.hpp"
#include "workloads/plugin_params.hpp"

namespace moesim {
namespace {

class PoissonSource final : public GeneratedSource {
 public:
  PoissonSource(double rate, std::int64_t requests, const SourceContext& ctx)
      : GeneratedSource("poisson", requests, ctx), mean_gap_s_(1.0 / rate) {}

 protected:
  double next_gap(RandomStream& rng) override { return rng.exponential(mean_gap_s_); }

 private:
  double mean_gap_s_;
};

}  // namespace

void register_poisson_source(SourceRegistry& r) {
  r.add({"poisson",
         "Poisson arrivals (exponential gaps) at a mean rate; lengths from the "
         "workload's length distribution",
         {required_quantity_param("rate", Dimension::kRate, 1e-9, "mean arrival rate ('10/s')"),
          integer_param("requests", 1000, 1, kMaxCountParam, "number of requests generated")},
         [](const ParamSet& p, const SourceContext& ctx) {
           return std::make_unique<PoissonSource>(p.number("rate"), p.integer("requests"), ctx);
         }});
}

}  // namespace moesim
