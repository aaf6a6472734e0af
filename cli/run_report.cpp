#include "cli/run_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "analysis/cost.hpp"
#include "analysis/duration_format.hpp"
#include "models/units.hpp"

namespace moesim {
namespace {

// Undefined figures (NaN: nothing to average, a ratio over zero) print as "n/a", as summary.json
// writes them as null. Durations print in the unit that fits (format_duration).
std::string fixed(const char* format, double v, const char* suffix = "") {
  if (std::isnan(v)) return "n/a";
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return std::string(buf) + suffix;
}

double ratio(double num, double den) {
  return den > 0 ? num / den : std::numeric_limits<double>::quiet_NaN();
}

void row(std::ostream& os, const char* name, const LatencySample& v) {
  DistributionSummary d = summarize(v);
  if (d.count == 0) d.mean = d.p50 = d.p90 = d.p99 = std::numeric_limits<double>::quiet_NaN();
  char buf[160];
  std::snprintf(buf, sizeof buf, "  %-6s %12s %12s %12s %12s\n", name,
                format_duration(d.mean).c_str(), format_duration(d.p50).c_str(),
                format_duration(d.p90).c_str(), format_duration(d.p99).c_str());
  os << buf;
}

}  // namespace

void print_run_report(std::ostream& os, const Scenario& s, const RunFacts& f,
                      const SimulationTotals& t, const MetricsCollector& m,
                      const std::optional<BaselineFacts>& baseline, const std::string& out_dir) {
  char buf[256];
  os << "moesim run: " << s.name << "\n";
  std::snprintf(buf, sizeof buf, "  %s on %d x %s:", s.model.name.c_str(), f.devices,
                s.hardware.name.c_str());
  os << buf;
  for (const auto& p : s.deployment.pools) {
    std::snprintf(buf, sizeof buf, " %s %d x (tp %d dp %d ep %d)", p.role.c_str(), p.replicas,
                  p.parallel.tp, p.parallel.dp, p.parallel.ep);
    os << buf;
  }
  os << "\n";
  const double sim = t.simulated_time.value();
  const double tput = ratio(double(m.output_tokens), sim);
  std::snprintf(buf, sizeof buf,
                "  requests %lld completed / %lld (%lld rejected), %lld steps, %lld preemptions\n",
                (long long)t.requests_completed, (long long)t.requests_total,
                (long long)t.requests_rejected, (long long)t.steps, (long long)t.preemptions);
  os << buf;
  std::snprintf(buf, sizeof buf, "  simulated %.2f s in %.3f s wall (%.0fx real time)\n", sim,
                f.wall_time_s, f.wall_time_s > 0 ? sim / f.wall_time_s : 0.0);
  os << buf;
  std::snprintf(
      buf, sizeof buf, "  throughput %s (%s per device), mean batch %s, KV peak %.0f%%\n",
      fixed("%.1f", tput, " output tok/s").c_str(), fixed("%.1f", tput / f.devices).c_str(),
      fixed("%.1f", ratio(m.batch_sum, double(m.steps))).c_str(), 100 * t.kv_peak_utilization);
  os << buf;
  if (f.price_per_device_hour) {
    const CostFigures c = cost_figures(*f.price_per_device_hour, f.devices, sim,
                                       m.input_tokens, m.output_tokens);
    std::snprintf(buf, sizeof buf,
                  "  cost $%.4g (%.4g device-hours at $%.4g): $%s per M output tokens, $%s per M "
                  "input tokens, %s output tok/$\n",
                  c.dollars, c.device_hours, c.price_per_device_hour,
                  fixed("%.4g", c.dollars_per_million_output_tokens).c_str(),
                  fixed("%.4g", c.dollars_per_million_input_tokens).c_str(),
                  fixed("%.0f", c.output_tokens_per_dollar).c_str());
    os << buf;
  }
  os << "\n  latency        mean          p50          p90          p99\n";
  row(os, "TTFT", m.ttft);
  row(os, "TPOT", m.tpot);
  row(os, "ITL", m.itl);
  row(os, "E2E", m.e2e);
  if (!t.kv_transfer_s.empty()) {
    const DistributionSummary k = summarize(t.kv_transfer_s);
    std::snprintf(buf, sizeof buf,
                  "\n  KV transfers %lld: mean %s, p99 %s; busiest link %.0f%% utilised\n",
                  (long long)t.kv_transfers, format_duration(k.mean).c_str(),
                  format_duration(k.p99).c_str(), 100 * t.max_link_utilization);
    os << buf;
  }
  if (t.prefix_blocks_total > 0) {
    std::snprintf(buf, sizeof buf, "  prefix cache hit ratio %.3f (%lld of %lld blocks)\n",
                  double(t.prefix_blocks_hit) / double(t.prefix_blocks_total),
                  (long long)t.prefix_blocks_hit, (long long)t.prefix_blocks_total);
    os << buf;
    if (t.prefix_loads > 0) {
      std::snprintf(buf, sizeof buf, "  prefix pool loads %lld, mean %s (counted in queueing)\n",
                    (long long)t.prefix_loads,
                    format_duration(t.prefix_load_seconds / double(t.prefix_loads)).c_str());
      os << buf;
    }
  }
  {
    const double n = double(t.requests_completed);
    std::snprintf(buf, sizeof buf,
                  "  TTFT split (mean): queueing %s, prefill %s, KV transfer %s, first decode %s\n",
                  format_duration(ratio(m.ttft_queue_sum, n)).c_str(),
                  format_duration(ratio(m.ttft_prefill_sum, n)).c_str(),
                  format_duration(ratio(m.ttft_kv_sum, n)).c_str(),
                  format_duration(ratio(m.ttft_decode_sum, n)).c_str());
    os << buf;
  }
  if (m.slo.ttft_s || m.slo.tpot_s || m.slo.e2e_s) {
    std::snprintf(
        buf, sizeof buf, "\n  SLO attainment %s\n",
        fixed("%.1f%%", 100.0 * ratio(double(m.slo_met), double(t.requests_total))).c_str());
    os << buf;
  }
  if (f.gamma > 0) {
    std::snprintf(buf, sizeof buf,
                  "\n  speculation (%s, gamma %d): %s accepted drafts per round, target "
                  "efficiency %s\n",
                  f.spec_method.c_str(), f.gamma,
                  fixed("%.2f", ratio(double(m.accepted_drafts), double(m.spec_rounds))).c_str(),
                  fixed("%.3f", ratio(m.efficiency_sum, double(m.efficiency_steps))).c_str());
    os << buf;
    if (baseline) {
      const double tpot =
          m.tpot.count() > 0 ? summarize(m.tpot).mean : std::numeric_limits<double>::quiet_NaN();
      std::snprintf(buf, sizeof buf,
                    "  vs. no speculation: throughput %s -> %s tok/s (%s), mean TPOT "
                    "%s -> %s (%s)\n",
                    fixed("%.1f", baseline->throughput).c_str(), fixed("%.1f", tput).c_str(),
                    fixed("%.2f", ratio(tput, baseline->throughput), "x").c_str(),
                    format_duration(baseline->tpot_mean).c_str(), format_duration(tpot).c_str(),
                    fixed("%.2f", ratio(baseline->tpot_mean, tpot), "x").c_str());
      os << buf;
    }
  }
  os << "\n  results in " << out_dir << "/ (summary.json, "
     << (s.output.requests_csv ? "requests.csv, " : "") << (s.output.steps_csv ? "steps.csv, " : "")
     << "scenario.resolved.yaml, latency_cdf.svg)\n";
}

}  // namespace moesim
