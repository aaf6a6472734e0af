#include "models/comm_efficiency.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "models/comm_efficiency_fit.hpp"
#include "models/comm_efficiency_link_class.hpp"

namespace moesim {

const char* collective_algorithm_name(CollectiveAlgorithm a) {
  switch (a) {
    case CollectiveAlgorithm::kRing: return "ring";
    case CollectiveAlgorithm::kTree: return "tree";
    case CollectiveAlgorithm::kOneShot: return "one_shot";
    case CollectiveAlgorithm::kTwoShot: return "two_shot";
    case CollectiveAlgorithm::kDirect: return "direct";
  }
  return "?";
}

CallPlan CommunicationEfficiency::plan(const CollectiveCall& call) const {
  return {call.collective == Collective::kAllToAll ? CollectiveAlgorithm::kDirect
                                                   : CollectiveAlgorithm::kRing,
          efficiency(call.collective, call.message), overhead(call.collective), Seconds(-1)};
}

void EfficiencyCurve::check(const std::string& what) const {
  if (sizes.empty()) throw ConfigError(what + ": no knots");
  if (sizes.size() != eta.size()) {
    throw ConfigError(what + ": " + std::to_string(sizes.size()) + " sizes but " +
                      std::to_string(eta.size()) + " efficiencies");
  }
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    if (!(sizes[i] > 0)) throw ConfigError(what + ": sizes must be > 0 bytes");
    if (i > 0 && !(sizes[i] > sizes[i - 1]))
      throw ConfigError(what + ": sizes must be strictly increasing");
    if (!(eta[i] > 0 && eta[i] <= 1)) throw ConfigError(what + ": efficiencies must lie in (0, 1]");
  }
}

double EfficiencyCurve::at(double bytes) const {
  if (bytes <= sizes.front()) return eta.front();
  if (bytes >= sizes.back()) return eta.back();
  const auto hi = std::size_t(std::upper_bound(sizes.begin(), sizes.end(), bytes) - sizes.begin());
  const std::size_t lo = hi - 1;
  // Linear in ln S: exact at the knots, monotone between two of them.
  const double w = std::log(bytes / sizes[lo]) / std::log(sizes[hi] / sizes[lo]);
  return eta[lo] + w * (eta[hi] - eta[lo]);
}

ConstantEfficiency::ConstantEfficiency(double eta) : eta_(eta) {
  if (!(eta_ > 0.0 && eta_ <= 1.0)) {
    throw ConfigError("communication efficiency must be in (0, 1], got " + std::to_string(eta_));
  }
}

CurveEfficiency::CurveEfficiency(EfficiencyCurve fallback,
                                 std::map<Collective, EfficiencyCurve> per_kind,
                                 std::map<Collective, Seconds> overheads)
    : fallback_(std::move(fallback)),
      per_kind_(std::move(per_kind)),
      overheads_(std::move(overheads)) {
  fallback_.check("communication efficiency curve");
  for (const auto& [c, curve] : per_kind_) {
    curve.check(std::string("communication efficiency curve of ") + collective_name(c));
  }
  for (const auto& [c, o] : overheads_) {
    if (!(o.value() >= 0)) {
      throw ConfigError(std::string("overhead of ") + collective_name(c) + " must be >= 0");
    }
  }
}

const EfficiencyCurve& CurveEfficiency::curve(Collective c) const {
  const auto it = per_kind_.find(c);
  return it == per_kind_.end() ? fallback_ : it->second;
}

double CurveEfficiency::efficiency(Collective c, Bytes message) const {
  return curve(c).at(message.value());
}

Seconds CurveEfficiency::overhead(Collective c) const {
  const auto it = overheads_.find(c);
  return it == overheads_.end() ? Seconds(0) : it->second;
}

const std::vector<Collective>& communication_kinds() {
  static const std::vector<Collective> kinds{Collective::kAllReduce, Collective::kAllGather,
                                             Collective::kReduceScatter, Collective::kAllToAll};
  return kinds;
}

namespace {

std::string overhead_param(Collective c) { return std::string("overhead_") + collective_name(c); }

std::vector<ParamSpec> overhead_params() {
  std::vector<ParamSpec> out;
  for (Collective c : communication_kinds()) {
    out.push_back(quantity_param(overhead_param(c), Dimension::kTime, 0.0, 0.0,
                                 std::string("fixed time per ") + collective_name(c) + " call"));
  }
  return out;
}

void register_constant(CommunicationEfficiencyRegistry& r) {
  r.add({"constant",
         "eta = the hardware preset's efficiency.communication for every size, no overhead",
         {},
         [](const ParamSet&, const Hardware& hw) -> std::unique_ptr<CommunicationEfficiency> {
           return std::make_unique<ConstantEfficiency>(hw.efficiency.communication);
         }});
}

void register_curve(CommunicationEfficiencyRegistry& r) {
  std::vector<ParamSpec> specs{
      list_param("sizes", "knot message sizes in bytes (Op::message), strictly increasing", 1.0,
                 std::numeric_limits<double>::infinity()),
      list_param("efficiencies", "eta at each knot, in (0, 1]; linear in ln S between knots", 0.0,
                 1.0)};
  for (auto& p : overhead_params()) specs.push_back(std::move(p));
  r.add({"curve", "eta(S) interpolated in ln S between given knots, plus an overhead per call",
         std::move(specs),
         [](const ParamSet& p, const Hardware&) -> std::unique_ptr<CommunicationEfficiency> {
           std::map<Collective, Seconds> overheads;
           for (Collective c : communication_kinds())
             overheads[c] = Seconds(p.number(overhead_param(c)));
           return std::make_unique<CurveEfficiency>(
               EfficiencyCurve{p.list("sizes"), p.list("efficiencies")},
               std::map<Collective, EfficiencyCurve>{}, std::move(overheads));
         }});
}

void register_measured(CommunicationEfficiencyRegistry& r) {
  ParamSpec profile;
  profile.name = "profile";
  profile.type = ParamType::kString;
  profile.help =
      "collective.csv, or a folder holding it (a scenario may name a folder of models/profiles/)";
  r.add({"measured",
         "eta(S) per collective kind and an overhead per call, fitted to a measured collective "
         "table (models/comm_efficiency_fit.hpp)",
         {profile,
          string_param("backend", "nccl", {}, "rows of this backend are fitted"),
          quantity_param("overhead_max_bytes", Dimension::kBytes, 65536.0, 1.0,
                         "messages up to this size estimate the per-call overhead"),
          number_param("overhead_scale", 1.0, 0.0, 1.0,
                       "multiplies the fitted overheads (0: drop them, e.g. for CUDA-graph "
                       "replay that hides host dispatch)"),
          integer_param("devices_per_node", 8, 1, 1 << 20,
                       "devices per node of the measurement (which link carried a group)")},
         [](const ParamSet& p, const Hardware& hw) -> std::unique_ptr<CommunicationEfficiency> {
           // eta is fitted relative to `hw`'s links: the closed form over them reproduces the
           // measured times.
           MeasuredCurveOptions o;
           o.backend = p.text("backend");
           o.fit.overhead_max_bytes = p.number("overhead_max_bytes");
           o.overhead_scale = p.number("overhead_scale");
           o.devices_per_node = int(p.integer("devices_per_node"));
           return measured_efficiency(p.text("profile"), hw, o);
         }});
}

}  // namespace

const CommunicationEfficiencyRegistry& communication_efficiencies() {
  static const CommunicationEfficiencyRegistry registry = [] {
    CommunicationEfficiencyRegistry r("communication efficiency");
    register_constant(r);
    register_curve(r);
    register_measured(r);
    register_link_class(r);
    return r;
  }();
  return registry;
}

std::shared_ptr<const CommunicationEfficiency> make_communication_efficiency(const Hardware& hw) {
  return communication_efficiencies().create(hw.communication_efficiency.name,
                                             hw.communication_efficiency.params, hw);
}

}  // namespace moesim
