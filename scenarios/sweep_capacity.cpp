#include "scenarios/sweep_capacity.hpp"

#include <yaml-cpp/yaml.h>

#include "analysis/capacity_slo.hpp"
#include "analysis/sweep_expr.hpp"

namespace moesim {

std::vector<std::string> read_sweep_capacity(MapReader& r) {
  std::vector<std::string> args;
  const std::string slo_key = r.child_path("slo");
  const YAML::Node slo = r.raw("slo");
  std::vector<YAML::Node> items;
  if (!slo.IsDefined() || slo.IsNull()) {
    r.error("", "missing required key 'slo' (an objective such as \"ttft<=2s\", or a list)");
  } else if (slo.IsScalar()) {
    items.push_back(slo);
  } else if (slo.IsSequence()) {
    for (const auto& item : slo) items.push_back(item);
    if (items.empty()) r.error_at(slo, slo_key, "expected at least one objective");
  } else {
    r.error_at(slo, slo_key, "expected an objective such as \"ttft<=2s\", or a list of them");
  }
  for (const auto& item : items) {
    if (!item.IsScalar()) {
      r.error_at(item, slo_key, "expected an objective such as \"ttft<=2s\"");
      continue;
    }
    try {
      args.insert(args.end(), {"--slo", parse_slo(item.Scalar()).text});
    } catch (const SloError& e) {
      r.error_at(item, slo_key, e.what());
    }
  }
  double level = 0;
  if (r.number("attainment", level, Req::kOptional, 0, 1)) {
    if (level > 0)
      args.insert(args.end(), {"--attainment", format_sweep_number(level)});
    else
      r.error("attainment", "expected a share in (0, 1], e.g. 0.99");
  }
  std::string over;
  if (r.choice("over", over, {"rate", "concurrency"}, Req::kOptional))
    args.insert(args.end(), {"--over", over});
  double tolerance = 0;
  if (r.number("tolerance", tolerance, Req::kOptional, 0, 1)) {
    if (tolerance > 0 && tolerance < 1)
      args.insert(args.end(), {"--tolerance", format_sweep_number(tolerance)});
    else
      r.error("tolerance", "expected a relative width in (0, 1), e.g. 0.02");
  }
  int max_runs = 0;
  if (r.integer("max_runs", max_runs, Req::kOptional, 1, 1000))
    args.insert(args.end(), {"--max-runs", std::to_string(max_runs)});
  double low = 0, high = 0;
  const bool has_low = r.number("low", low, Req::kOptional, 1e-9, 1e12);
  const bool has_high = r.number("high", high, Req::kOptional, 1e-9, 1e12);
  if (has_low) args.insert(args.end(), {"--low", format_sweep_number(low)});
  if (has_high) args.insert(args.end(), {"--high", format_sweep_number(high)});
  if (has_low && has_high && !(low < high)) r.error("low", "must be below high");
  r.finish();
  return args;
}

}  // namespace moesim
