// How one instance's devices split the model. Devices = tp * dp; attention runs tensor-parallel
// over tp inside each of dp data-parallel groups; routed experts are spread over ep ranks, each
// rank splitting its experts over devices / ep devices (expert tensor parallelism).
#pragma once

#include <string>

#include "models/units.hpp"

namespace moesim {

struct Parallel {
  int tp = 1;
  int dp = 1;  // attention data parallelism inside the instance
  int ep = 1;
  // Extra bytes per token of an 8-bit EP payload (scales and padding; the payload formats are
  // the model's precision.dispatch and precision.combine). docs/equations.md quotes 7,680 B per
  // token for H = 7168 with INT8 dispatch: 512 B above H.
  Bytes dispatch_overhead_per_token{512};
  int devices_per_node = 8;  // devices that share one scale-up domain
  // Extra expert copies spread over the EP ranks (hot experts replicated, as in EP320 decode
  // with 256 routed experts on 320 dies): the routing model then sees experts + redundant
  // equally likely slots, and each rank holds (experts + redundant) / ep of them.
  int redundant_experts = 0;
  // Two-micro-batch overlap: split each step's batch in two and overlap one half's TP/EP
  // communication with the other half's compute (DeepSeek-style dual micro-batch).
  bool two_batch_overlap = false;

  [[nodiscard]] int devices() const { return tp * dp; }
  [[nodiscard]] int expert_tp() const { return devices() / ep; }
};

}  // namespace moesim
