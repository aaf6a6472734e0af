// An open description of one operator of a step: kind, work and traffic. Cost models price it;
// adding an operator never changes their interface.
#pragma once

#include "models/dtype.hpp"
#include "models/hardware.hpp"
#include "models/units.hpp"

namespace moesim {

enum class OpScope { kPerLayer, kPerStep };
enum class Collective { kNone, kAllReduce, kAllToAll, kAllGather, kReduceScatter };

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
