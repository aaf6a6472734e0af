// Calibration of the roofline to measured tables, and the fidelity report of the cost models
// against held-out measurements.
//
// Fit (per operator class: gemm, grouped_gemm, attention, elementwise; communication is priced
// by the collective model and not fitted here): the roofline
//   t = max(F / (eta_c x peak(dtype)), B / (eta_m x bandwidth)) + L
// with eta_c, eta_m in [0.01, 1] and L in [0, 1 ms], minimising the sum over the class's
// measurements of (ln t_model - ln t_measured)^2. Method: a coarse grid (eta_c, eta_m on 24
// log-spaced values each, L on 0, 1, ..., 30 us) and then a compass search (each of ln eta_c,
// ln eta_m, L stepped up and down; steps halve when no move improves; stops below 1e-9 in
// ln eta and 1e-12 s). A class whose measurements never constrain a factor (elementwise ops have
// no FLOPs) keeps the preset's value for it.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "models/cost_profiled.hpp"
#include "models/profile_table.hpp"

namespace moesim {

// Absolute relative errors |model - measured| / measured: median and 90th percentile (linear
// interpolation between order statistics: rank p x (n - 1)). All zero for no samples.
struct ErrorStats {
  double median = 0, p90 = 0;
  std::size_t count = 0;
};
[[nodiscard]] ErrorStats error_stats(std::vector<double> relative_errors);

// One measurement as the op it stands for.
struct Sample {
  Op op;
  double measured_s = 0;
  std::string family;  // table: gemm, grouped_gemm, attention_decode, attention_prefill, ...
};
// Every row of the compute tables (not collective.csv) as a Sample.
[[nodiscard]] std::vector<Sample> table_samples(const ProfileTables& t);

struct ClassFit {
  OpClass op_class = OpClass::kGemm;
  std::size_t samples = 0;
  double eta_compute = 0, eta_memory = 0;
  Seconds launch_overhead{0};
  ErrorStats before, after;  // catalog preset, fitted
};

struct Calibration {
  // The input preset with the fitted efficiencies; its single launch_overhead is the gemm
  // class's (the per-class values are in `launch`).
  Hardware hardware;
  std::map<OpClass, Seconds> launch;  // fitted launch overhead per class
  std::vector<ClassFit> classes;      // classes that had samples
  ErrorStats before, after;           // all samples
};

// Fits every class present in `samples`; `hw` gives peaks, bandwidth and starting values.
[[nodiscard]] Calibration calibrate(const std::vector<Sample>& samples, const Hardware& hw);
[[nodiscard]] Calibration calibrate(const ProfileTables& t, const Hardware& hw);

// The roofline with the fitted efficiencies and the op class's fitted launch overhead.
[[nodiscard]] OpTime calibrated_time(const Op& op, const Calibration& c);

// Deterministic split: within each curve (rows equal in all but the innermost coordinate: m for
// gemm; tokens for grouped_gemm; context for decode (per layout, q, batch) and prefill (per
// layout, chunk); bytes for elementwise per kernel), sorted by that coordinate, the rows at odd
// positions except the last are held out; the others (both ends included) calibrate.
struct ProfileSplit {
  ProfileTables calibration, held_out;
};
[[nodiscard]] ProfileSplit split_profile(const ProfileTables& t);

struct FamilyFidelity {
  std::string family;
  ErrorStats roofline, calibrated, profiled;
};

struct FidelityReport {
  std::vector<FamilyFidelity> families;  // gemm, grouped_gemm, attention_decode, ... (present)
  FamilyFidelity overall;
  Calibration calibration;    // fitted on the calibration half
  ProfiledCounters profiled;  // lookups of the profiled model over the held-out rows
  std::size_t calibration_rows = 0, held_out_rows = 0;
};

// Splits `t`, calibrates the roofline and builds the profiled model (roofline fallback) on the
// calibration half, and reports per family and overall the errors on the held-out half of
// (a) the catalog roofline `hw`, (b) the calibrated roofline, (c) the profiled model.
// Grouped-GEMM rows are held out only for the uniform assignment (the one the profiled model
// reads by default); skewed rows still calibrate.
[[nodiscard]] FidelityReport fidelity(const ProfileTables& t, const Hardware& hw);

// The report as a Markdown table (percentages with one decimal).
[[nodiscard]] std::string fidelity_markdown(const FidelityReport& r);

}  // namespace moesim
