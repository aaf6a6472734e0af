// Fitting the communication-efficiency curve to a measured collective table
// (profiler/collectives.py's collective.csv).
//
// Each row (op, backend, bytes, group, time_s) with group >= 2 becomes the Op it stands for and
// is split by LinkCollectiveModel::terms into transfer W (bytes over link bandwidth at eta = 1)
// and latency L, so the model reads t = o_c + W / eta_c(S) + L. Group-1 rows are not used: the
// simulator never prices a one-device collective (it costs 0, no call is made), and those rows
// time only the harness (host dispatch + event pair, ~35-45 us on the H200 pair).
//
// Fit, per collective kind c (documented two-stage robust fit):
//  1. overhead o_c = median over c's rows with message S <= overhead_max_bytes of
//     max(0, t - L - W): at such sizes the transfer is < 1% of the time, so the floor is the
//     per-call software cost (0 when c has no such row).
//  2. knots at the distinct message sizes of c's rows; at each, eta in [eta_min, 1] minimises
//     sum over the rows of that size (all group sizes) of (ln(o_c + W/eta + L) - ln t)^2
//     (180-point log grid, then golden section on ln eta). A row with t <= o_c + W + L asks for
//     eta = 1; eta_min bounds the rows whose transfer is negligible.
// A pooled curve (all kinds, each with its own overhead) serves kinds without rows.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/comm_efficiency.hpp"
#include "models/profile_table.hpp"

namespace moesim {

// Table op name -> collective: all_reduce, all_gather, reduce_scatter, all_to_all and
// all_to_all_skewed (an all-to-all whose bytes are the busiest rank's; profiler/README.md).
[[nodiscard]] std::optional<Collective> collective_of_table_op(const std::string& op);

// The Op::message of a row: all_to_all rows count the rank's whole buffer including the chunk
// it keeps, so S = bytes x (n-1)/n; all_to_all_skewed rows already hold the busiest rank's bytes
// to its peers; the others are the buffer as is.
[[nodiscard]] Bytes message_of_row(const CollectiveRow& row);

struct CollectiveSample {
  CollectiveRow row;
  Collective collective = Collective::kNone;
  Bytes message{0};
  Seconds transfer{0}, latency{0};  // LinkCollectiveModel::terms on the hardware given
};

// Rows of `backend` with group >= 2 and a known op, priced on `hw` with `devices_per_node`.
[[nodiscard]] std::vector<CollectiveSample> collective_samples(
    const std::vector<CollectiveRow>& rows, const Hardware& hw, int devices_per_node,
    const std::string& backend);

struct EfficiencyFitOptions {
  double overhead_max_bytes = 65536;  // stage 1 threshold on the message size
  double eta_min = 0.01;
};

struct EfficiencyFit {
  std::map<Collective, EfficiencyCurve> curves;  // kinds with rows
  EfficiencyCurve pooled;                        // all rows; for the other kinds
  std::map<Collective, Seconds> overheads;
};

// Throws InputError when `samples` is empty.
[[nodiscard]] EfficiencyFit fit_efficiency(const std::vector<CollectiveSample>& samples,
                                           const EfficiencyFitOptions& options);

// The fit as a plug-in; overheads multiplied by `overhead_scale`.
[[nodiscard]] std::unique_ptr<CurveEfficiency> curve_of_fit(const EfficiencyFit& fit,
                                                            double overhead_scale);

struct MeasuredCurveOptions {
  std::string backend = "nccl";
  EfficiencyFitOptions fit;
  double overhead_scale = 1.0;
  int devices_per_node = 8;
};

// Reads `path` (collective.csv or a folder holding it), fits on `hw`'s links. InputError when
// the table is missing, malformed or has no usable row.
[[nodiscard]] std::unique_ptr<CurveEfficiency> measured_efficiency(
    const std::string& path, const Hardware& hw, const MeasuredCurveOptions& options);

}  // namespace moesim
