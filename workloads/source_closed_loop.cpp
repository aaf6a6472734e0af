// Closed loop: `concurrency` requests are kept in flight; the simulator pulls the next request
// when one finishes, so every arrival is 0 and only the lengths matter.
#include "workloads/generated_source.hpp"
#include "workloads/plugin_params.hpp"

namespace moesim {
namespace {

class ClosedLoopSource final : public GeneratedSource {
 public:
  ClosedLoopSource(int concurrency, std::int64_t requests, const SourceContext& ctx)
      : GeneratedSource("closed_loop", requests, ctx), concurrency_(concurrency) {}
  [[nodiscard]] int concurrency() const override { return concurrency_; }

 protected:
  double next_gap(RandomStream&) override { return 0.0; }

 private:
  int concurrency_;
};

}  // namespace

void register_closed_loop_source(SourceRegistry& r) {
  r.add({"closed_loop",
         "a fixed number of requests in flight (a new one starts when one "
         "finishes); lengths from the workload's length distribution",
         {required_integer_param("concurrency", 1, 1'000'000, "requests kept in flight"),
          integer_param("requests", 1000, 1, kMaxCountParam, "number of requests in total")},
         [](const ParamSet& p, const SourceContext& ctx) {
           return std::make_unique<ClosedLoopSource>(int(p.integer("concurrency")),
                                                     p.integer("requests"), ctx);
         }});
}

}  // namespace moesim
