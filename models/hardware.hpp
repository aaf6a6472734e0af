// One accelerator preset: peaks per dtype, memory, links and achievable efficiencies.
// Filled from the catalog (models/catalog/hardware/*.yaml) or inline scenario data.
#pragma once

#include <map>
#include <string>

#include "models/dtype.hpp"
#include "models/params.hpp"
#include "models/units.hpp"

namespace moesim {

// Operator classes that carry their own achievable-efficiency factors.
enum class OpClass { kGemm, kGroupedGemm, kAttention, kElementwise, kCommunication };
[[nodiscard]] std::string_view op_class_name(OpClass c);

struct LinkSpec {
  BytesPerSec bandwidth{0};  // per direction, per device
  Seconds latency{0};
  int domain_size = 1;  // devices in one scale-up domain (ignored for scale-out)
};

struct Efficiency {
  double gemm_compute = 0.7;
  double gemm_memory = 0.8;
  double grouped_gemm_compute = 0.6;
  double grouped_gemm_memory = 0.75;
  double attention_compute = 0.5;
  double attention_memory = 0.75;
  double elementwise_memory = 0.75;
  double communication = 0.75;

  [[nodiscard]] double compute(OpClass c) const;
  [[nodiscard]] double memory(OpClass c) const;
};

// Which communication-efficiency plug-in prices collectives (models/comm_efficiency.hpp), with
// its validated parameters. Default: `constant` (efficiency.communication, no overhead).
struct CommunicationEfficiencyChoice {
  std::string name = "constant";
  ParamSet params;
};

struct Hardware {
  std::string name;
  std::string description;
  std::map<DType, FlopsPerSec> peak;  // dense peak per dtype; bf16 always present
  Bytes memory_capacity{0};
  BytesPerSec memory_bandwidth{0};
  LinkSpec scale_up;
  LinkSpec scale_out;
  Efficiency efficiency;
  CommunicationEfficiencyChoice communication_efficiency;
  Seconds launch_overhead{0};
  int dies_per_package = 1;
  // Figures the `kernel` cost model needs (models/cost_kernel.hpp); empty / 0 = not given.
  std::string architecture;  // kernel family: hopper, ampere, ada, blackwell, davinci
  int compute_units = 0;     // streaming multiprocessors (NVIDIA) or AI cores (Ascend)
  PerSecond clock{0};        // boost clock of the compute units
  Bytes l2_capacity{0};      // last-level on-chip cache

  // Peak for a compute dtype; a dtype without its own peak runs at the bf16 rate (weight-only
  // quantisation: values are up-converted before the matrix unit).
  [[nodiscard]] FlopsPerSec peak_for(DType t) const;
  [[nodiscard]] bool has_native(DType t) const { return peak.count(t) > 0; }
};

}  // namespace moesim
