// Fidelity of the closed-form collective model against a measured collective table
// (`moesim fidelity --collectives DIR`): absolute relative error |model - measured| / measured,
// median and p90, per collective (table op) and message-size band, of
//  (a) LinkCollectiveModel with the constant efficiency of the hardware preset,
//  (a') the `link_class` model of the preset (the default for presets), library figures only
//      (no custom all-reduce: the tables time NCCL calls),
//  (b) the measured curve (models/comm_efficiency_fit.hpp), leave-one-size-out: for each
//      distinct `bytes` value of the table, the rows of that size (every op and group) are held
//      out, the overheads and curves are fitted on the other sizes and the held-out rows priced
//      (so a knot's eta comes from its neighbours 4x away; the end sizes are extrapolated flat),
//  (c) the same curve fitted on every row (in-sample, for reference: 0 when the fit is exact).
// Rows: `backend` rows with group >= 2 and a known op; group-1 rows are counted and left out
// (the simulator prices a one-device collective at 0: no call is made).
#pragma once

#include <string>
#include <vector>

#include "fidelity/calibration.hpp"
#include "models/comm_efficiency_fit.hpp"

namespace moesim {

// Bands of the row's `bytes` column: < 64 KiB, 64 KiB .. 16 MiB, > 16 MiB.
[[nodiscard]] const char* collective_size_band(double bytes);

struct CollectiveFidelityRow {
  std::string op;    // table op, or "all"
  std::string band;  // collective_size_band, or "all"
  ErrorStats constant, link_class, held_out, in_sample;
};

struct CollectiveFidelity {
  std::string source, hardware, backend;
  std::vector<CollectiveFidelityRow> rows;  // per op x band (present), per op "all", then "all"
  std::size_t used = 0, group_one = 0, other = 0;  // rows used; group-1 rows; other backend/op
  EfficiencyFit fit;                               // on every used row
};

// `rows` of one table (its path in `source`), priced on `hw` with `options.devices_per_node`.
// Throws InputError when no row is usable.
[[nodiscard]] CollectiveFidelity collective_fidelity(const std::vector<CollectiveRow>& rows,
                                                     const std::string& source,
                                                     const Hardware& hw,
                                                     const MeasuredCurveOptions& options);

// The report as Markdown: the error table and the fitted overheads and curves.
[[nodiscard]] std::string collective_fidelity_markdown(const CollectiveFidelity& r);

}  // namespace moesim
