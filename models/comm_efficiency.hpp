// Communication efficiency: the achievable fraction eta(S) of link bandwidth for one collective
// call of message size S, and a fixed software overhead per call. Collective models
// (LinkCollectiveModel, topology's GraphCollectiveModel) price a call as
//   time = overhead(c) + max_e bytes_e / (bw_e x eta(c, S)) + latency x steps.
// A plug-in family selected by name (`hardware.communication_efficiency` in a scenario):
//   constant  eta = the preset's efficiency.communication, no overhead (the default)
//   curve     eta interpolated linearly in ln S between given (size, eta) knots, given overheads
//   measured  the curve fitted to a measured collective table (models/comm_efficiency_fit.hpp)
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "models/operator.hpp"
#include "models/registry.hpp"

namespace moesim {

class CommunicationEfficiency {
 public:
  virtual ~CommunicationEfficiency() = default;
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
