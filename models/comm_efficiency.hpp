// Communication efficiency: the achievable fraction eta(S) of link bandwidth for one collective
// call of message size S, and a fixed software overhead per call. Collective models
// (LinkCollectiveModel, topology's GraphCollectiveModel) price a call as
//   time = overhead(c) + max_e bytes_e / (bw_e x eta(c, S)) + latency x steps.
// A plug-in family selected by name (`hardware.communication_efficiency` in a scenario):
//   constant  eta = the preset's efficiency.communication, no overhead (the default)
//   curve     eta interpolated linearly in ln S between given (size, eta) knots, given overheads
//   measured  the curve fitted to a measured collective table (models/comm_efficiency_fit.hpp)
//   link_class per-call cost and eta(S) by link class and algorithm: custom one-shot / two-shot
//             all-reduce for small messages inside a domain, library ring / tree otherwise
//             (models/comm_efficiency_link_class.hpp; the default for presets read from YAML)
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "models/operator.hpp"
#include "models/registry.hpp"

namespace moesim {

// How one collective call is carried out. Ring: the library's ring (all-gather, reduce-scatter,
// all-reduce); tree: the library's tree all-reduce (same bytes, 2 ceil(log2 n) latency steps);
// one-shot: every device reads the whole buffer of each peer and reduces it (1 step); two-shot:
// reduce-scatter then all-gather by direct peer access (2 steps); direct: all-to-all.
enum class CollectiveAlgorithm { kRing, kTree, kOneShot, kTwoShot, kDirect };
[[nodiscard]] const char* collective_algorithm_name(CollectiveAlgorithm a);

// One call as the collective models see it: kind, message (Op::message), group size, and
// whether the group leaves one scale-up domain (then scale-out links carry it).
struct CollectiveCall {
  Collective collective = Collective::kNone;
  Bytes message{0};
  int group = 1;
  bool crosses_domain = false;
};

// The plug-in's answer for one call: algorithm, eta for its transfer, fixed time per call.
struct CallPlan {
  CollectiveAlgorithm algorithm = CollectiveAlgorithm::kRing;
  double eta = 1.0;
  Seconds overhead{0};
  // Latency per algorithm step; negative: the link's own latency.
  Seconds step_latency{-1};
};

// `p` with what the caller fixed (Op::call): eta and overhead when given.
[[nodiscard]] inline CallPlan with_override(CallPlan p, const CallOverride& o) {
  if (o.efficiency > 0) p.eta = o.efficiency;
  if (o.overhead.value() >= 0) p.overhead = o.overhead;
  return p;
}

class CommunicationEfficiency {
 public:
  virtual ~CommunicationEfficiency() = default;
  // The algorithm, eta and overhead of one call. Default: the library's ring (direct for
  // all-to-all) with efficiency(c, S) and overhead(c), whatever the group and links.
  [[nodiscard]] virtual CallPlan plan(const CollectiveCall& call) const;
  // eta in (0, 1] for one call of `c` whose message (Op::message) is `message` bytes.
  [[nodiscard]] virtual double efficiency(Collective c, Bytes message) const = 0;
  // Fixed time added once per call of `c` (host dispatch, kernel launch, synchronisation); >= 0.
  [[nodiscard]] virtual Seconds overhead(Collective c) const = 0;
};

// eta(S) as knots (size > 0 bytes, strictly increasing; eta in (0, 1]) joined linearly in ln S;
// constant beyond the first and last knot (no extrapolation of the slope).
struct EfficiencyCurve {
  std::vector<double> sizes;  // bytes
  std::vector<double> eta;
  // Throws ConfigError on empty, mismatched, unsorted or out-of-range knots (`what` prefixes).
  void check(const std::string& what) const;
  [[nodiscard]] double at(double bytes) const;
};

// Same eta for every call and kind, no overhead: today's closed form.
class ConstantEfficiency final : public CommunicationEfficiency {
 public:
  explicit ConstantEfficiency(double eta);  // eta in (0, 1], else ConfigError
  [[nodiscard]] double efficiency(Collective, Bytes) const override { return eta_; }
  [[nodiscard]] Seconds overhead(Collective) const override { return Seconds(0); }

 private:
  double eta_;
};

// A curve and an overhead per collective kind; kinds without their own curve use `fallback`.
class CurveEfficiency final : public CommunicationEfficiency {
 public:
  CurveEfficiency(EfficiencyCurve fallback, std::map<Collective, EfficiencyCurve> per_kind,
                  std::map<Collective, Seconds> overheads);
  [[nodiscard]] double efficiency(Collective c, Bytes message) const override;
  [[nodiscard]] Seconds overhead(Collective c) const override;

  [[nodiscard]] const EfficiencyCurve& curve(Collective c) const;
  [[nodiscard]] const EfficiencyCurve& fallback() const { return fallback_; }

 private:
  EfficiencyCurve fallback_;
  std::map<Collective, EfficiencyCurve> per_kind_;
  std::map<Collective, Seconds> overheads_;
};

// Extra construction input: the hardware preset (`constant` reads efficiency.communication;
// `measured` fits eta relative to its scale-up / scale-out links).
using CommunicationEfficiencyRegistry = Registry<CommunicationEfficiency, const Hardware&>;
[[nodiscard]] const CommunicationEfficiencyRegistry& communication_efficiencies();

// The plug-in chosen by `hw.communication_efficiency` (default `constant` at the preset's eta).
// Throws ConfigError (bad parameters) or InputError (unreadable measured table).
[[nodiscard]] std::shared_ptr<const CommunicationEfficiency> make_communication_efficiency(
    const Hardware& hw);

// The collective kinds with a name in tables and parameters ("all_reduce", ...; not kNone).
[[nodiscard]] const std::vector<Collective>& communication_kinds();

}  // namespace moesim
