// Per-request service-level objectives of `moesim capacity` and the attainment of one run.
//
// An objective is a comparison in the expression language of sweep files and `moesim select`
// (analysis/sweep_expr.hpp): "ttft<=2s", "tpot<=50ms", "ttft<=1s && tpot<=50ms",
// "e2e<=30s || ttft<=200ms". Its names are requests.csv's columns without their "_s": ttft (first
// token - arrival), tpot (time per output token after the first; defined for requests with more
// than one output token), e2e (finish - arrival). Each comparison of a metric with a constant
// bounds it from above (<= or <) by a duration written with a time unit (models/units.hpp: ns,
// us, ms, s, min, h; a bare number is an error) above 0.
//
// Attainment = requests meeting every objective / all requests of the run. A rejected request
// misses; a request whose tpot is undefined (one output token) reads tpot as 0, so an upper
// bound on tpot holds for it, as summary.json's slo_attainment counts it (analysis/README.md,
// "Definitions").
#pragma once

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "analysis/distribution.hpp"
#include "analysis/sweep_expr.hpp"

namespace moesim {

// A malformed objective; the message says what is wrong ("unknown metric 'ttfb'; ...").
class SloError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct SloTarget {
  std::string text;                          // as written, surrounding spaces removed
  std::vector<std::string> metrics;          // the metrics it reads, in order of appearance
  std::shared_ptr<const Expression> expression;
};

// The metric names an objective may use, in the order of requests.csv.
[[nodiscard]] const std::vector<std::string>& slo_metric_names();

// Parses one objective. Throws SloError.
[[nodiscard]] SloTarget parse_slo(const std::string& text);

// One row of requests.csv as the objectives read it.
struct RequestOutcome {
  bool completed = false;
  std::optional<double> ttft_s, tpot_s, e2e_s;  // empty: not defined (rejected; tpot: one token)
};

// requests.csv text -> its rows. Throws SloError naming the line on a malformed file.
[[nodiscard]] std::vector<RequestOutcome> parse_requests_csv(const std::string& text);

// The value of `metric` for one request (empty when undefined).
[[nodiscard]] std::optional<double> request_metric(const RequestOutcome& r,
                                                   const std::string& metric);

// True when the request meets every target.
[[nodiscard]] bool meets_all(const RequestOutcome& r, const std::vector<SloTarget>& targets);

// Share of `rows` meeting every target; 0 for no rows.
[[nodiscard]] double attainment(const std::vector<RequestOutcome>& rows,
                                const std::vector<SloTarget>& targets);

// The metric over the completed requests where it is defined (nearest-rank percentiles).
[[nodiscard]] DistributionSummary metric_summary(const std::vector<RequestOutcome>& rows,
                                                 const std::string& metric);

}  // namespace moesim
