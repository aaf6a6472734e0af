// `ascend_fused`: CloudMatrix384's fused dispatch / combine operators (Zuo et al., "Serving Large
// Language Models on Huawei CloudMatrix384", arXiv 2506.12708): NPU cores write each
// token-expert pair straight into the peer die's buffer over the UB fabric (the bytes of
// `pairwise`, INT8-quantised in the operator when the pool's dispatch format says so), without
// HCCL's host path, and the transfers are pipelined with the expert GEMMs, so part of them hides
// behind the routed experts' time.
#include "models/dispatch_model.hpp"

namespace moesim {
namespace {
class AscendFusedDispatch final : public DispatchModel {
 public:
  AscendFusedDispatch(double efficiency, Seconds overhead, double overlap)
      : efficiency_(efficiency), overhead_(overhead), overlap_(overlap) {}

  Call call(const DispatchInput& in) const override {
    Call r;
    r.message = Bytes(pairwise_dispatch_bytes(in));
    r.call.efficiency = efficiency_;
    r.call.overhead = overhead_;
    r.hidden_behind_experts = overlap_;
    return r;
  }

 private:
  double efficiency_;
  Seconds overhead_;
  double overlap_;
};
}  // namespace

void register_ascend_fused_dispatch(DispatchRegistry& r) {
  r.add({"ascend_fused",
         "CloudMatrix384 fused dispatch / combine: direct writes per token-expert pair over UB, "
         "no library host path, partly hidden behind the expert GEMMs",
         {number_param("efficiency", 0.0, 0.0, 1.0,
                       "eta of the transfer; 0 = the communication-efficiency plug-in's (the ub "
                       "link class: sgl-kernel-npu fused dispatch / combine bandwidths)"),
          quantity_param("overhead", Dimension::kTime, 10e-6, 0.0,
                         "fixed time per call (one fused operator launch); guess"),
          number_param("expert_overlap", 0.5, 0.0, 1.0,
                       "fraction of the routed experts' time that dispatch and combine hide "
                       "behind; guess")},
         [](const ParamSet& p) {
           return std::make_unique<AscendFusedDispatch>(p.number("efficiency"),
                                                        Seconds(p.number("overhead")),
                                                        p.number("expert_overlap"));
         }});
}

}  // namespace moesim
