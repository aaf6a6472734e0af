// The published-versus-predicted table of `moesim validation`: one row per figure, its relative
// error and whether it falls within the tolerance; rendered as Markdown (terminal, README) and
// CSV. A figure whose run failed has no prediction and counts as a miss.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace moesim {

struct ValidationRow {
  std::string id;
  std::string source;
  std::string unit;
  double published = 0;             // > 0
  std::optional<double> predicted;  // absent when the run or the metric failed
  std::string note;                 // why there is no prediction, or the per-run values of a peak
};

// (predicted - published) / published; nullopt without a prediction.
[[nodiscard]] std::optional<double> relative_error(const ValidationRow& r);
// |relative_error| <= tolerance; false without a prediction.
[[nodiscard]] bool within(const ValidationRow& r, double tolerance);

// "| figure | source | published | predicted | error % | within 15% |" then one line per row,
// then "N of M figures within 15%".
[[nodiscard]] std::string validation_markdown(const std::vector<ValidationRow>& rows,
                                              double tolerance);
// Header "id,source,unit,published,predicted,error_percent,within,note"; fields quoted when
// they hold a comma or a quote.
[[nodiscard]] std::string validation_csv(const std::vector<ValidationRow>& rows, double tolerance);

}  // namespace moesim
