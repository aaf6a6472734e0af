#include "models/comm_efficiency_link_class.hpp"

#include <algorithm>

namespace moesim {

const std::vector<std::string>& link_class_names() {
  static const std::vector<std::string> names{"ethernet", "hccs",      "infiniband", "nvlink",
                                              "pcie_host", "pcie_switch", "roce",     "ub"};
  return names;
}

Seconds library_overhead(const LinkClassFigures& f, Collective c) {
  switch (c) {
    case Collective::kAllReduce: return f.overhead_all_reduce;
    case Collective::kAllGather: return f.overhead_all_gather;
    case Collective::kReduceScatter: return f.overhead_reduce_scatter;
    case Collective::kAllToAll: return f.overhead_all_to_all;
    case Collective::kNone: break;
  }
  return Seconds(0);
}

std::optional<CollectiveAlgorithm> custom_all_reduce_variant(const LinkClassFigures& f, int group,
                                                             double bytes) {
  if (!f.custom_all_reduce || bytes >= f.custom_max_bytes.value()) return std::nullopt;
  if (std::find(f.custom_groups.begin(), f.custom_groups.end(), group) == f.custom_groups.end())
    return std::nullopt;
  // vLLM csrc/custom_all_reduce.cuh: two devices always run the one-stage kernel; larger
  // groups run it below a size limit that shrinks with the group, else the two-stage kernel.
  if (group == 2) return CollectiveAlgorithm::kOneShot;
  for (const auto& [limit_group, limit_bytes] : f.one_shot_max_bytes) {
    if (limit_group >= group) {
      return bytes < limit_bytes ? CollectiveAlgorithm::kOneShot : CollectiveAlgorithm::kTwoShot;
    }
  }
  return CollectiveAlgorithm::kTwoShot;
}

LinkClassEfficiency::Side LinkClassEfficiency::side(const LinkClassFigures& f,
                                                    const std::string& hw, const char* link) {
  const std::string where = "hardware '" + hw + "' " + link;
  if (f.name.empty()) {
    throw ConfigError(where + ".class: missing; the link_class communication model needs the "
                              "link's class (one of nvlink, pcie_switch, pcie_host, infiniband, "
                              "roce, hccs, ub, ethernet)");
  }
  const std::string src = f.source.empty() ? where : f.source;
  Side s;
  s.figures = f;
  s.library = EfficiencyCurve{f.library_eta.sizes, f.library_eta.eta};
  s.library.check(src + ": library.efficiency");
  if (!(f.step_latency.value() >= 0))
    throw ConfigError(src + ": library.step_latency must be >= 0");
  for (Collective c : communication_kinds()) {
    if (!(library_overhead(f, c).value() >= 0))
      throw ConfigError(src + ": library.overhead." + collective_name(c) + " must be >= 0");
  }
  if (f.custom_all_reduce) {
    s.custom = EfficiencyCurve{f.custom_eta.sizes, f.custom_eta.eta};
    s.custom.check(src + ": custom_all_reduce.efficiency");
    if (!(f.overhead_one_shot.value() >= 0 && f.overhead_two_shot.value() >= 0))
      throw ConfigError(src + ": custom_all_reduce overheads must be >= 0");
  }
  return s;
}

LinkClassEfficiency::LinkClassEfficiency(const Hardware& hw, bool custom_all_reduce)
    : up_(side(hw.scale_up.figures, hw.name, "scale_up")),
      out_(side(hw.scale_out.figures, hw.name, "scale_out")),
      custom_(custom_all_reduce) {}

CallPlan LinkClassEfficiency::plan(const CollectiveCall& call) const {
  const Side& s = call.crosses_domain ? out_ : up_;
  const double bytes = call.message.value();
  if (call.collective == Collective::kAllReduce && custom_ && !call.crosses_domain) {
    if (const auto v = custom_all_reduce_variant(s.figures, call.group, bytes)) {
      return {*v, s.custom.at(bytes),
              *v == CollectiveAlgorithm::kOneShot ? s.figures.overhead_one_shot
                                                  : s.figures.overhead_two_shot,
              s.figures.step_latency};
    }
  }
  CollectiveAlgorithm a = CollectiveAlgorithm::kRing;
  if (call.collective == Collective::kAllToAll) a = CollectiveAlgorithm::kDirect;
  if (call.collective == Collective::kAllReduce && s.figures.tree && call.group > 2)
    a = CollectiveAlgorithm::kTree;
  return {a, s.library.at(bytes), library_overhead(s.figures, call.collective),
          s.figures.step_latency};
}

double LinkClassEfficiency::efficiency(Collective, Bytes message) const {
  return up_.library.at(message.value());
}

Seconds LinkClassEfficiency::overhead(Collective c) const {
  return library_overhead(up_.figures, c);
}

void register_link_class(CommunicationEfficiencyRegistry& r) {
  r.add({"link_class",
         "per-call cost and eta(S) by link class (models/catalog/links) and algorithm: custom "
         "one-shot / two-shot all-reduce for small messages inside a domain, library ring / "
         "tree otherwise",
         {bool_param("custom_all_reduce", true,
                     "let all-reduces inside a domain use the class's custom kernel (false: the "
                     "library prices every call, as in measured NCCL tables)")},
         [](const ParamSet& p, const Hardware& hw) -> std::unique_ptr<CommunicationEfficiency> {
           return std::make_unique<LinkClassEfficiency>(hw, p.flag("custom_all_reduce"));
         }});
}

}  // namespace moesim
