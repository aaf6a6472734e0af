// An open description of one operator of a step: kind, work and traffic. Cost models price it;
// adding an operator never changes their interface.
#pragma once

#include "models/dtype.hpp"
#include "models/hardware.hpp"
#include "models/units.hpp"

namespace moesim {

enum class OpScope { kPerLayer, kPerStep };
enum class Collective { kNone, kAllReduce, kAllToAll, kAllGather, kReduceScatter };

// What a caller fixes about one collective call instead of the communication-efficiency plug-in
// and the collective model's traffic pattern (expert-dispatch modes, models/dispatch_model.hpp).
// The defaults change nothing.
struct CallOverride {
  // All-to-all only: bytes of Op::message that cross scale-out links (the rest stays on scale-up
  // links). Negative: spread over peers in proportion to their number, as the algorithm does.
  Bytes scale_out{-1};
  double efficiency = 0;  // in (0, 1]: replaces eta(c, S); 0: the plug-in's
  Seconds overhead{-1};   // >= 0: replaces the plug-in's per-call overhead
  [[nodiscard]] bool splits() const { return scale_out.value() >= 0; }
};

struct Op {
  const char* name = "";  // stable name (README "Operators"); static storage
  OpClass op_class = OpClass::kGemm;
  OpScope scope = OpScope::kPerLayer;
  double repeat = 1;  // occurrences per step (layers it appears in; 1 for per-step ops)
  Flops flops{0};     // per occurrence, on the busiest device
  Bytes bytes{0};     // memory traffic per occurrence, on the busiest device
  DType dtype = DType::kBf16;  // compute dtype (selects the peak)
  // Shape hints for measured cost tables: GEMM M, N, K (or tokens, experts, context).
  double m = 0, n = 0, k = 0;
  // Independent work items the kernel can spread over the compute units when it is bound by
  // memory latency (attention: sequences x local KV heads); 0 = derive from the shape.
  double units = 0;
  // Communication ops only.
  Collective collective = Collective::kNone;
  Bytes message{0};  // per device: all-reduce / reduce-scatter input buffer, all-gather output
                     // buffer, all-to-all bytes sent to peers
  int group = 1;     // devices taking part
  CallOverride call;
  // Fraction in [0, 1] of the routed experts' time (`routed_experts`, same layers) behind which
  // this op's time hides, shared in op order by every op that sets it (dispatch fused with the
  // expert GEMMs); 0: none.
  double hidden_behind_experts = 0;
};

[[nodiscard]] const char* collective_name(Collective c);

// One call of collective `c` moving `message` bytes per device (see Op::message) among `group`
// devices, named after the collective: what the collective models price.
[[nodiscard]] inline Op collective_op(Collective c, Bytes message, int group) {
  Op op;
  op.name = collective_name(c);
  op.op_class = OpClass::kCommunication;
  op.collective = c;
  op.message = message;
  op.group = group;
  op.m = message.value();
  return op;
}

}  // namespace moesim
