#include "analysis/serving_fidelity.hpp"

#include <algorithm>
#include <cstdio>
#include <iterator>

#include "models/errors.hpp"

namespace moesim {

std::vector<RequestTimes> measured_times(const ServingRun& run) {
  std::vector<RequestTimes> out;
  out.reserve(run.requests.size());
  for (const auto& r : run.requests)
    out.push_back({r.queued, r.scheduled, r.first_token, r.last_token, r.output_tokens});
  return out;
}

ServingMetrics serving_metrics(const std::vector<RequestTimes>& r,
                               const std::vector<double>& tick_times) {
  ServingMetrics m;
  if (r.empty()) return m;
  double first = r.front().arrival, last = r.front().last_token;
  double tokens = 0, queue = 0, prefill = 0;
  std::vector<double> ttft, tpot, e2e;
  for (const auto& x : r) {
    first = std::min(first, x.arrival);
    last = std::max(last, x.last_token);
    tokens += double(x.output_tokens);
    queue += x.scheduled - x.arrival;
    prefill += x.first_token - x.scheduled;
    ttft.push_back(x.first_token - x.arrival);
    e2e.push_back(x.last_token - x.arrival);
    if (x.output_tokens > 1)
      tpot.push_back((x.last_token - x.first_token) / double(x.output_tokens - 1));
  }
  m.makespan = last - first;
  m.first_arrival = first;
  m.throughput = m.makespan > 0 ? tokens / m.makespan : 0;
  m.ttft = summarize(ttft);
  m.tpot = summarize(tpot);
  m.e2e = summarize(e2e);
  m.queueing = queue / double(r.size());
  m.prefill = prefill / double(r.size());
  if (!tick_times.empty()) {
    double sum = 0;
    for (double t : tick_times) {
      for (const auto& x : r) sum += (x.scheduled <= first + t && first + t < x.last_token) ? 1 : 0;
    }
    m.mean_in_flight = sum / double(tick_times.size());
  }
  return m;
}

double mean_count_at_ticks(const std::vector<std::pair<double, double>>& steps, double origin,
                           const std::vector<double>& tick_times) {
  if (tick_times.empty()) return -1;
  double sum = 0;
  for (double t : tick_times) {
    const auto after = std::upper_bound(
        steps.begin(), steps.end(), origin + t,
        [](double x, const std::pair<double, double>& s) { return x < s.first; });
    if (after != steps.begin()) sum += std::prev(after)->second;
  }
  return sum / double(tick_times.size());
}

std::vector<FidelityRow> fidelity_rows(const ServingMetrics& a, const ServingMetrics& b) {
  std::vector<FidelityRow> rows;
  rows.push_back({"throughput (output tok/s)", a.throughput, b.throughput});
  auto dist = [&](const char* name, const DistributionSummary& x, const DistributionSummary& y) {
    const std::string n = name;
    rows.push_back({n + " mean (s)", x.mean, y.mean});
    rows.push_back({n + " p50 (s)", x.p50, y.p50});
    rows.push_back({n + " p90 (s)", x.p90, y.p90});
    rows.push_back({n + " p99 (s)", x.p99, y.p99});
  };
  dist("TTFT", a.ttft, b.ttft);
  dist("TPOT", a.tpot, b.tpot);
  dist("E2E", a.e2e, b.e2e);
  rows.push_back({"queueing mean (s)", a.queueing, b.queueing});
  rows.push_back({"prefill mean (s)", a.prefill, b.prefill});
  if (a.mean_running >= 0 && b.mean_running >= 0)
    rows.push_back({"running requests (engine count, mean)", a.mean_running, b.mean_running});
  if (a.mean_in_flight >= 0 && b.mean_in_flight >= 0)
    rows.push_back({"in flight (scheduled to last token, mean)", a.mean_in_flight,
                    b.mean_in_flight});
  rows.push_back({"makespan (s)", a.makespan, b.makespan});
  return rows;
}

const std::vector<std::string>& headline_metrics() {
  static const std::vector<std::string> names = {"throughput (output tok/s)", "TTFT mean (s)",
                                                 "TPOT mean (s)", "E2E mean (s)"};
  return names;
}

const FidelityRow& row(const std::vector<FidelityRow>& rows, const std::string& m) {
  for (const auto& r : rows) {
    if (r.metric == m) return r;
  }
  throw InputError("no fidelity row '" + m + "'");
}

std::string fidelity_markdown(const std::vector<FidelityRow>& rows) {
  std::string out = "| metric | measured | predicted | error |\n|---|---:|---:|---:|\n";
  for (const auto& r : rows) {
    char buf[256];
    std::snprintf(buf, sizeof buf, "| %s | %.4g | %.4g | %+.1f%% |\n", r.metric.c_str(),
                  r.measured, r.predicted, 100 * r.error());
    out += buf;
  }
  return out;
}

}  // namespace moesim
