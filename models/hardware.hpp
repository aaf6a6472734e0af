// One accelerator preset: peaks per dtype, memory, links and achievable efficiencies.
// Filled from the catalog (models/catalog/hardware/*.yaml) or inline scenario data.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "models/dtype.hpp"
#include "models/params.hpp"
#include "models/units.hpp"

namespace moesim {

// Operator classes that carry their own achievable-efficiency factors.
enum class OpClass { kGemm, kGroupedGemm, kAttention, kElementwise, kCommunication };
[[nodiscard]] std::string_view op_class_name(OpClass c);

// Knots of an achievable-efficiency curve eta(S): message sizes in bytes (strictly increasing)
// and eta in (0, 1] at each (checked by EfficiencyCurve, models/comm_efficiency.hpp).
struct EfficiencyKnots {
  std::vector<double> sizes;
  std::vector<double> eta;
};

// What one class of link (models/catalog/links/NAME.yaml) costs per collective call, beyond its
// bandwidth and latency: the collective library (NCCL, HCCL) and, where serving engines run one,
// the custom one-shot / two-shot all-reduce. Empty `name`: the preset gave no class.
struct LinkClassFigures {
  std::string name;    // nvlink, pcie_switch, pcie_host, infiniband, roce, hccs, ub, ethernet
  std::string source;  // the file the figures came from (error messages)
  // Library collectives: fixed time per call by kind, eta(S), and whether the library switches
  // to a tree all-reduce (latency 2 ceil(log2 n) steps) when the group spans this link class.
  Seconds overhead_all_reduce{0}, overhead_all_gather{0}, overhead_reduce_scatter{0},
      overhead_all_to_all{0};
  EfficiencyKnots library_eta;
  bool tree = false;
  // Latency per algorithm step of library and custom calls (replaces the preset link's latency
  // in the link_class model; the preset's latency still serves the other models and flows).
  Seconds step_latency{0};
  // Custom all-reduce (vLLM / SGLang): used for all-reduces with message < max_bytes among a
  // group size listed in `groups`, inside one scale-up domain. One-shot when the group size is
  // 2 or the message is below one_shot_max_bytes of the smallest listed group size >= n (pairs
  // (group, bytes), ascending), else two-shot.
  bool custom_all_reduce = false;
  Bytes custom_max_bytes{0};
  std::vector<int> custom_groups;
  std::vector<std::pair<int, double>> one_shot_max_bytes;
  Seconds overhead_one_shot{0}, overhead_two_shot{0};
  EfficiencyKnots custom_eta;
};

struct LinkSpec {
  BytesPerSec bandwidth{0};  // per direction, per device
  Seconds latency{0};
  int domain_size = 1;  // devices in one scale-up domain (ignored for scale-out)
  LinkClassFigures figures = {};  // the link's class and its per-call figures (may be empty)
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
// its validated parameters. Default here: `constant` (efficiency.communication, no overhead);
// hardware read from YAML (catalog presets, scenarios) defaults to `link_class` instead.
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
  // US dollars per device per hour, only where a public price with its date is cited next to it
  // (docs/hardware-sources.md); none: no cost figures unless the scenario gives a price.
  std::optional<double> price_per_device_hour;

  // Peak for a compute dtype; a dtype without its own peak runs at the bf16 rate (weight-only
  // quantisation: values are up-converted before the matrix unit).
  [[nodiscard]] FlopsPerSec peak_for(DType t) const;
  [[nodiscard]] bool has_native(DType t) const { return peak.count(t) > 0; }
};

}  // namespace moesim
