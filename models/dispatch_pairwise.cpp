// `pairwise`: one all-to-all per MoE layer in which every token-expert pair travels on its own
// (the library's all-to-all, NCCL / HCCL): the busiest rank's pairs minus the local share, spread
// over peers; eta and the per-call cost come from the communication-efficiency plug-in.
#include "models/dispatch_model.hpp"

namespace moesim {
namespace {
class PairwiseDispatch final : public DispatchModel {
 public:
  Call call(const DispatchInput& in) const override {
    return {Bytes(pairwise_dispatch_bytes(in)), {}};
  }
};
}  // namespace

void register_pairwise_dispatch(DispatchRegistry& r) {
  r.add({"pairwise",
         "library all-to-all, one transfer per token-expert pair (pairs x (1 - 1/ep) x bytes per "
         "token), spread over peers; the default",
         {},
         [](const ParamSet&) { return std::make_unique<PairwiseDispatch>(); }});
}

}  // namespace moesim
