#include "analysis/summary.hpp"

#include <algorithm>
#include <limits>

#include "analysis/cost.hpp"
#include "analysis/json_writer.hpp"

namespace moesim {
namespace {

// Undefined statistics (a mean of nothing, a ratio over zero) are NaN here and null in the file
// (JsonWriter writes NaN as null): never 0, which a constraint such as tpot_s.mean <= 0.05 would
// take for a value.
constexpr double kUndefined = std::numeric_limits<double>::quiet_NaN();

double ratio(double num, double den) { return den > 0 ? num / den : kUndefined; }

template <class Values>
void distribution(JsonWriter& j, const std::string& key, const Values& v) {
  DistributionSummary s = summarize(v);
  if (s.count == 0) s.mean = s.p50 = s.p90 = s.p99 = s.max = kUndefined;
  j.key(key).begin_object();
  j.field("mean", s.mean).field("p50", s.p50).field("p90", s.p90).field("p99", s.p99);
  j.field("max", s.max).field("count", s.count);
  j.end_object();
}

double throughput(const SimulationTotals& t, const MetricsCollector& m) {
  return ratio(double(m.output_tokens), t.simulated_time.value());
}

double tpot_mean(const MetricsCollector& m) {
  return m.tpot.count() > 0 ? summarize(m.tpot).mean : kUndefined;
}

}  // namespace

BaselineFacts baseline_facts(const SimulationTotals& totals, const MetricsCollector& m) {
  return {throughput(totals, m), tpot_mean(m)};
}

std::string summary_json(const RunFacts& f, const SimulationTotals& t, const MetricsCollector& m,
                         const std::optional<BaselineFacts>& baseline) {
  JsonWriter j;
  j.begin_object();
  j.field("scenario", f.scenario).field("model", f.model).field("hardware", f.hardware);
  j.field("devices", f.devices);
  j.field("requests_total", static_cast<long long>(t.requests_total));
  j.field("requests_completed", static_cast<long long>(t.requests_completed));
  j.field("requests_rejected", static_cast<long long>(t.requests_rejected));
  j.field("input_tokens", static_cast<long long>(m.input_tokens));
  j.field("output_tokens", static_cast<long long>(m.output_tokens));
  j.field("simulated_time_s", t.simulated_time.value());
  j.field("wall_time_s", f.wall_time_s);
  const double tput = throughput(t, m);
  j.field("throughput_output_tokens_per_s", tput);
  j.field("throughput_output_tokens_per_s_per_device", tput / f.devices);
  distribution(j, "ttft_s", m.ttft);
  distribution(j, "tpot_s", m.tpot);
  distribution(j, "itl_s", m.itl);
  distribution(j, "e2e_s", m.e2e);
  const double n = double(t.requests_completed);
  j.key("ttft_breakdown_mean_s").begin_object();
  j.field("queueing", ratio(m.ttft_queue_sum, n)).field("prefill", ratio(m.ttft_prefill_sum, n));
  j.field("kv_transfer", ratio(m.ttft_kv_sum, n)).field("first_decode", ratio(m.ttft_decode_sum, n));
  j.end_object();
  if (t.kv_transfers > 0) {
    j.key("kv_transfer").begin_object();
    j.field("transfers", static_cast<long long>(t.kv_transfers));
    j.field("bytes", t.kv_transfer_bytes);
    distribution(j, "time_s", t.kv_transfer_s);
    j.field("max_link_utilization", t.max_link_utilization);
    j.end_object();
  }
  if (t.prefix_blocks_total > 0) {
    j.key("prefix_cache").begin_object();
    j.field("blocks_total", static_cast<long long>(t.prefix_blocks_total));
    j.field("blocks_hit", static_cast<long long>(t.prefix_blocks_hit));
    j.field("hit_ratio", double(t.prefix_blocks_hit) / double(t.prefix_blocks_total));
    j.field("prompt_tokens_saved", static_cast<long long>(m.prefix_hit_tokens));
    if (t.prefix_loads > 0) {  // shared (pool) cache: hits loaded over the fabric
      j.field("pool_loads", static_cast<long long>(t.prefix_loads));
      j.field("mean_pool_load_s", t.prefix_load_seconds / double(t.prefix_loads));
    }
    j.end_object();
  }
  j.field("steps", static_cast<long long>(t.steps));
  j.field("mean_batch_size", ratio(m.batch_sum, double(m.steps)));
  j.field("kv_capacity_blocks", static_cast<long long>(t.kv_capacity_blocks));
  j.field("kv_peak_utilization", t.kv_peak_utilization);
  j.field("kv_blocks_in_use_at_end", static_cast<long long>(t.kv_blocks_in_use_at_end));
  j.field("preemptions", static_cast<long long>(t.preemptions));
  if (m.slo.ttft_s || m.slo.tpot_s || m.slo.e2e_s) {
    j.field("slo_attainment", ratio(double(m.slo_met), double(t.requests_total)));
  }
  if (t.skipped_rows > 0) j.field("skipped_trace_rows", static_cast<long long>(t.skipped_rows));
  if (f.gamma > 0) {
    j.key("spec").begin_object();
    j.field("method", f.spec_method).field("gamma", f.gamma);
    j.field("rounds", static_cast<long long>(m.spec_rounds));
    j.field("mean_accepted_tokens", ratio(double(m.accepted_drafts), double(m.spec_rounds)));
    j.field("target_efficiency", ratio(m.efficiency_sum, double(m.efficiency_steps)));
    j.field("mean_gamma", ratio(m.gamma_sum, double(m.gamma_steps)));
    if (baseline) {
      j.field("baseline_throughput_output_tokens_per_s", baseline->throughput);
      j.field("baseline_tpot_mean_s", baseline->tpot_mean);
      // NaN > 0 is false: an undefined side leaves the ratio undefined.
      j.field("speedup_throughput", ratio(tput, baseline->throughput));
      j.field("speedup_tpot", ratio(baseline->tpot_mean, tpot_mean(m)));
    }
    j.end_object();
  }
  if (f.price_per_device_hour) {
    const CostFigures c = cost_figures(*f.price_per_device_hour, f.devices,
                                       t.simulated_time.value(), m.input_tokens, m.output_tokens);
    j.key("cost").begin_object();
    j.field("price_per_device_hour", c.price_per_device_hour);
    j.field("device_hours", c.device_hours).field("dollars", c.dollars);
    j.field("output_tokens_per_dollar", c.output_tokens_per_dollar);
    j.field("dollars_per_million_output_tokens", c.dollars_per_million_output_tokens);
    j.field("dollars_per_million_input_tokens", c.dollars_per_million_input_tokens);
    j.end_object();
  }
  j.end_object();
  return j.str();
}

}  // namespace moesim
