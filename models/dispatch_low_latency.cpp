// `low_latency`: DeepEP's low-latency decode kernels. One direct RDMA write per token-expert
// pair (no node aggregation: the bytes of `pairwise`, spread over peers the same way), without
// the library's host path, so a small fixed cost per call, CUDA-graph compatible.
#include "models/dispatch_model.hpp"

namespace moesim {
namespace {
class LowLatencyDispatch final : public DispatchModel {
 public:
  LowLatencyDispatch(double efficiency, Seconds overhead)
      : efficiency_(efficiency), overhead_(overhead) {}

  Call call(const DispatchInput& in) const override {
    Call r;
    r.message = Bytes(pairwise_dispatch_bytes(in));
    r.call.efficiency = efficiency_;
    r.call.overhead = overhead_;
    return r;
  }

 private:
  double efficiency_;
  Seconds overhead_;
};
}  // namespace

void register_low_latency_dispatch(DispatchRegistry& r) {
  r.add({"low_latency",
         "DeepEP low-latency kernels: one RDMA write per token-expert pair, no node aggregation, "
         "small fixed cost per call",
         {number_param("efficiency", 0.78, 0.0, 1.0,
                       "eta of the transfer; 0 = the communication-efficiency plug-in's. DeepEP "
                       "V1 low-latency kernels, H800, 128 tokens: 39 GB/s RDMA at EP128-256 "
                       "(48 at EP32) of ~50 GB/s"),
          quantity_param("overhead", Dimension::kTime, 5e-6, 0.0,
                         "fixed time per call (no host synchronisation); guess: DeepEP's "
                         "latencies are explained by bytes / bandwidth alone")},
         [](const ParamSet& p) {
           return std::make_unique<LowLatencyDispatch>(p.number("efficiency"),
                                                       Seconds(p.number("overhead")));
         }});
}

}  // namespace moesim
