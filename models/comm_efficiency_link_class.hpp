// The `link_class` communication-efficiency plug-in: every collective call priced by the class
// of the link that carries it (models/catalog/links/NAME.yaml, read into LinkClassFigures):
//   time = overhead(class, algorithm, kind) + bytes / (bw x eta_class(S)) + steps x latency.
// Algorithm choice (per call):
//  - all-reduce inside one scale-up domain, where the class runs a custom all-reduce (vLLM /
//    SGLang `custom_all_reduce`: NVLink, PCIe with peer-to-peer), the message is below its
//    max_bytes and the group size is supported: one-shot or two-shot by vLLM's rule (one-shot
//    for 2 devices, or below one_shot_max_bytes of the group size); its own overheads and eta;
//  - otherwise the library (NCCL / HCCL): ring, or tree for all-reduce over more than 2 devices
//    on classes whose library uses one (scale-out fabrics); all-to-all direct; the library's
//    overheads and eta.
// Groups that leave the scale-up domain take the scale-out link's class, never a custom kernel.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "models/comm_efficiency.hpp"

namespace moesim {

class LinkClassEfficiency final : public CommunicationEfficiency {
 public:
  // Throws ConfigError naming the hardware, the link (scale_up / scale_out) and the missing
  // figure when a link has no class, or when a class's figures are out of range.
  // `custom_all_reduce` false: the library prices every all-reduce (as measured NCCL tables do).
  LinkClassEfficiency(const Hardware& hw, bool custom_all_reduce);

  [[nodiscard]] CallPlan plan(const CollectiveCall& call) const override;
  // Library eta and overhead of the scale-up class (callers that know no group).
  [[nodiscard]] double efficiency(Collective c, Bytes message) const override;
  [[nodiscard]] Seconds overhead(Collective c) const override;

 private:
  struct Side {
    LinkClassFigures figures;
    EfficiencyCurve library;
    EfficiencyCurve custom;  // empty when the class runs no custom all-reduce
  };
  static Side side(const LinkClassFigures& f, const std::string& hw, const char* link);

  Side up_, out_;
  bool custom_;
};

// The custom all-reduce variant a class runs for `group` devices and `bytes` (Op::message), or
// nullopt when the library takes the call: no custom kernel on the class, a group size it does
// not list, or bytes >= max_bytes. One-shot for group 2 or bytes below the one-shot limit of
// the smallest listed limit group >= group (no such limit: two-shot), else two-shot.
[[nodiscard]] std::optional<CollectiveAlgorithm> custom_all_reduce_variant(
    const LinkClassFigures& f, int group, double bytes);

// Library overhead of kind `c` in `f` (0 for kNone).
[[nodiscard]] Seconds library_overhead(const LinkClassFigures& f, Collective c);

// The link classes a preset may name, sorted (each has models/catalog/links/NAME.yaml).
[[nodiscard]] const std::vector<std::string>& link_class_names();

void register_link_class(CommunicationEfficiencyRegistry& r);

}  // namespace moesim
