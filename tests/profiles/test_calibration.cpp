// Calibration recovers the efficiencies and launch overheads that generated a table by the
// roofline (analytic), the error statistics, the deterministic split and the fidelity report.
#include <doctest/doctest.h>

#include <cmath>

#include "fidelity/calibration.hpp"
#include "profile_support.hpp"

using namespace moesim;

namespace {

const ClassFit& fit_of(const Calibration& c, OpClass cls) {
  for (const auto& f : c.classes)
    if (f.op_class == cls) return f;
  FAIL("class not fitted");
  return c.classes.front();
}

// A device whose preset efficiencies are all wrong (0.3) and launch overhead 0.
Hardware wrong_preset() {
  Hardware hw = test::test_ideal();
  Efficiency& e = hw.efficiency;
  e.gemm_compute = e.gemm_memory = e.grouped_gemm_compute = e.grouped_gemm_memory = 0.3;
  e.attention_compute = e.attention_memory = e.elementwise_memory = 0.3;
  hw.launch_overhead = Seconds(0);
  return hw;
}

}  // namespace

TEST_CASE("error stats: median and p90 by linear interpolation of order statistics") {
  // 0.0, 0.1, ..., 1.0: median at rank 5 = 0.5; p90 at rank 0.9 * 10 = 9 -> 0.9.
  std::vector<double> e;
  for (int i = 10; i >= 0; --i) e.push_back(0.1 * i);
  const ErrorStats s = error_stats(e);
  CHECK(s.count == 11);
  CHECK(s.median == doctest::Approx(0.5));
  CHECK(s.p90 == doctest::Approx(0.9));
  // Four values 1, 2, 3, 4: median at rank 1.5 -> 2.5; p90 at rank 2.7 -> 3.7.
  const ErrorStats f = error_stats({4, 1, 3, 2});
  CHECK(f.median == doctest::Approx(2.5));
  CHECK(f.p90 == doctest::Approx(3.7));
  CHECK(error_stats({}).count == 0);
}

TEST_CASE("calibration: recovers the roofline that generated the table") {
  // The synthetic profile is the roofline with (eta_c, eta_m, L) = gemm (0.70, 0.80, 5 us),
  // grouped (0.60, 0.75, 8 us, fitted on uniform and skewed rows: skewed are 1.1 x, so the
  // grouped fit is a compromise and only checked loosely), attention (0.50, 0.70, 6 us),
  // elementwise (-, 0.80, 3 us). Starting from 0.3 everywhere and no launch overhead, the fit
  // finds them; the error after the fit is zero for the exactly generated classes.
  const ProfileTables t = read_profile(test::synthetic_profile());
  const Calibration c = calibrate(t, wrong_preset());
  REQUIRE(c.classes.size() == 4);
  const ClassFit& g = fit_of(c, OpClass::kGemm);
  CHECK(g.samples == 28);
  CHECK(g.eta_compute == doctest::Approx(0.70).epsilon(1e-4));
  CHECK(g.eta_memory == doctest::Approx(0.80).epsilon(1e-4));
  CHECK(g.launch_overhead.value() == doctest::Approx(5e-6).epsilon(1e-3));
  CHECK(g.after.median < 1e-6);
  CHECK(g.before.median > 0.3);
  const ClassFit& a = fit_of(c, OpClass::kAttention);
  CHECK(a.eta_compute == doctest::Approx(0.50).epsilon(1e-4));
  CHECK(a.eta_memory == doctest::Approx(0.70).epsilon(1e-4));
  CHECK(a.launch_overhead.value() == doctest::Approx(6e-6).epsilon(1e-3));
  const ClassFit& e = fit_of(c, OpClass::kElementwise);
  CHECK(e.eta_memory == doctest::Approx(0.80).epsilon(1e-4));
  CHECK(e.launch_overhead.value() == doctest::Approx(3e-6).epsilon(1e-3));
  CHECK(e.eta_compute == 0.3);  // no FLOPs: the preset's value stays
  const ClassFit& gg = fit_of(c, OpClass::kGroupedGemm);
  CHECK(gg.eta_memory == doctest::Approx(0.75).epsilon(0.1));
  CHECK(gg.after.median < 0.06);
  // The fitted preset carries the factors; calibrated_time uses each class's launch overhead.
  CHECK(c.hardware.efficiency.gemm_compute == g.eta_compute);
  CHECK(c.hardware.launch_overhead.value() == g.launch_overhead.value());
  const Op op = table_elementwise_op("copy", 1 << 20);
  CHECK(calibrated_time(op, c).time.value() ==
        doctest::Approx(test::synthetic_time(1, 0.8, 3e-6, 0, 1 << 20)).epsilon(1e-4));
  CHECK(c.after.median < c.before.median);
}

TEST_CASE("calibration: uniform rows alone give the grouped factors exactly") {
  ProfileTables t = read_profile(test::synthetic_profile());
  std::erase_if(t.grouped, [](const GroupedRow& r) { return r.routing != "uniform"; });
  const Calibration c = calibrate(table_samples(t), wrong_preset());
  const ClassFit& gg = fit_of(c, OpClass::kGroupedGemm);
  CHECK(gg.eta_compute == doctest::Approx(0.60).epsilon(1e-4));
  CHECK(gg.eta_memory == doctest::Approx(0.75).epsilon(1e-4));
  CHECK(gg.launch_overhead.value() == doctest::Approx(8e-6).epsilon(1e-3));
}

TEST_CASE("fidelity: split halves and the three models' errors") {
  const ProfileTables t = read_profile(test::synthetic_profile());
  const ProfileSplit s = split_profile(t);
  // Each GEMM curve of 7 M values (1, 4, ..., 4096) holds out positions 1, 3, 5 (M = 4, 64,
  // 1024); both ends calibrate.
  CHECK(s.held_out.gemm.size() == 4 * 3);
  CHECK(s.calibration.gemm.size() == 4 * 4);
  for (const auto& r : s.held_out.gemm) CHECK((r.m == 4 || r.m == 64 || r.m == 1024));
  CHECK(s.held_out.rows() + s.calibration.rows() == t.rows());  // collectives calibrate

  const FidelityReport r = fidelity(t, test::test_ideal());
  REQUIRE(r.families.size() == 5);
  CHECK(r.families[0].family == "gemm");
  CHECK(r.held_out_rows == r.overall.roofline.count);
  // The table is a roofline, so the calibrated roofline reproduces the held-out rows (the
  // grouped fit shares the skewed rows' 10%, hence the loose bound) and the catalog preset
  // (default efficiencies, 4 us) is off. The profiled model interpolates log-linearly across
  // the held-out gaps: small where points are dense (GEMM M every 4x once split, grouped rows),
  // large across the 16x-256x gaps of the sparse attention and elementwise curves, whose
  // rooflines bend between the points (e.g. 256 KiB -> 64 MiB copies: 3.2 us and 43 us, the
  // geometric mean 11.7 us against 5.6 us at 4 MiB).
  for (const auto& f : r.families) {
    CAPTURE(f.family);
    CHECK(f.profiled.count == f.roofline.count);
    CHECK(f.calibrated.median <= f.roofline.median);
  }
  CHECK(r.families[0].profiled.median < 0.05);
  CHECK(r.families[1].family == "grouped_gemm");
  CHECK(r.families[1].profiled.median < 0.1);
  CHECK(r.overall.calibrated.median < 0.02);
  CHECK(r.overall.roofline.median > 0.05);
  CHECK(r.profiled.lookups() == r.held_out_rows);
  CHECK(r.profiled.fallbacks() == 0);  // both ends of every curve calibrate
  const std::string md = fidelity_markdown(r);
  CHECK(md.find("| gemm | 12 |") != std::string::npos);
  CHECK(md.find("| overall |") != std::string::npos);
}
