// Communication-efficiency plug-ins: the constant one reproduces the former closed form, a
// two-knot curve interpolates in ln S exactly, the overhead is added once per call, the fit
// recovers a synthetic curve, parameter errors, and the measured H200 pair.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "models/collective_model.hpp"
#include "models/comm_efficiency.hpp"
#include "models/comm_efficiency_fit.hpp"
#include "models/errors.hpp"

using namespace moesim;

namespace {
constexpr double kGB = 1e9;
constexpr double kUs = 1e-6;
constexpr double kMiB = 1048576;

Hardware hardware() {
  Hardware hw;
  hw.scale_up = LinkSpec{BytesPerSec(450 * kGB), Seconds(2 * kUs), 8};
  hw.scale_out = LinkSpec{BytesPerSec(50 * kGB), Seconds(5 * kUs), 1};
  hw.efficiency.communication = 0.8;
  return hw;
}

Op comm(Collective c, double bytes, int group) { return collective_op(c, Bytes(bytes), group); }

ParamSet curve_params(std::vector<double> sizes, std::vector<double> eta) {
  ParamSet p;
  p.set("sizes", std::move(sizes));
  p.set("efficiencies", std::move(eta));
  return p;
}
}  // namespace

TEST_CASE("communication efficiency: constant is the former closed form, bit for bit") {
  const Hardware hw = hardware();
  const LinkCollectiveModel m(hw, 8);  // default plug-in: constant at efficiency.communication
  for (int n : {2, 4, 8}) {
    for (double s : {1024.0, 3e6, 1e9}) {
      // ring all-reduce: 2(n-1)/n S / (bw eta) + 2(n-1) lat
      CHECK(m.time(comm(Collective::kAllReduce, s, n)).value() ==
            (Seconds(2.0 * (n - 1) / n * s / (450 * kGB * 0.8)) + Seconds(2 * kUs) * (2.0 * (n - 1)))
                .value());
      // all-to-all inside the domain: S / (bw eta) + lat
      CHECK(m.time(comm(Collective::kAllToAll, s, n)).value() ==
            (Seconds(s / (450 * kGB * 0.8)) + Seconds(2 * kUs)).value());
    }
  }
  // 16 devices over two nodes of 8: all-to-all split 7/15 up, 8/15 out; the out share binds:
  // (8/15 x 1 MB / 50 GB/s) / 0.8 + 5 us.
  CHECK(m.time(comm(Collective::kAllToAll, 1e6, 16)).value() ==
        doctest::Approx(8.0 / 15 * 1e6 / 50e9 / 0.8 + 5 * kUs).epsilon(1e-14));
}

TEST_CASE("communication efficiency: a two-knot curve interpolates linearly in ln S") {
  const std::shared_ptr<const CommunicationEfficiency> eff =
      communication_efficiencies().create("curve", curve_params({kMiB, 4 * kMiB}, {0.4, 0.8}),
                                          hardware());
  // eta(2 MiB) = 0.4 + 0.4 x ln(2)/ln(4) = 0.6; ends are held constant outside the knots.
  CHECK(eff->efficiency(Collective::kAllToAll, Bytes(2 * kMiB)) == doctest::Approx(0.6));
  CHECK(eff->efficiency(Collective::kAllToAll, Bytes(kMiB)) == 0.4);
  CHECK(eff->efficiency(Collective::kAllToAll, Bytes(4 * kMiB)) == 0.8);
  CHECK(eff->efficiency(Collective::kAllReduce, Bytes(1024)) == 0.4);
  CHECK(eff->efficiency(Collective::kAllReduce, Bytes(1e9)) == 0.8);
  // all-to-all of 2 MiB over 8: 2 MiB / (450 GB/s x 0.6) + 2 us.
  const LinkCollectiveModel m(hardware(), 8, eff);
  CHECK(m.time(comm(Collective::kAllToAll, 2 * kMiB, 8)).value() ==
        doctest::Approx(2 * kMiB / (450 * kGB * 0.6) + 2 * kUs).epsilon(1e-12));
}

TEST_CASE("communication efficiency: the overhead is added once per call, never without a call") {
  ParamSet p = curve_params({1.0}, {1.0});
  p.set("overhead_all_reduce", 30 * kUs);
  p.set("overhead_reduce_scatter", 7 * kUs);
  const std::shared_ptr<const CommunicationEfficiency> eff = communication_efficiencies().create("curve", p, hardware());
  const LinkCollectiveModel with(hardware(), 8, eff);
  const LinkCollectiveModel bare(hardware(), 8, std::make_shared<ConstantEfficiency>(1.0));
  const Op ar = comm(Collective::kAllReduce, kMiB, 4);
  CHECK(with.time(ar).value() - bare.time(ar).value() == doctest::Approx(30 * kUs).epsilon(1e-12));
  // reduce-scatter over 4: 7 us + 3/4 x 1 MiB / 450 GB/s + 3 x 2 us.
  CHECK(with.time(comm(Collective::kReduceScatter, kMiB, 4)).value() ==
        doctest::Approx(7 * kUs + 0.75 * kMiB / (450 * kGB) + 6 * kUs).epsilon(1e-12));
  CHECK(with.time(comm(Collective::kAllGather, kMiB, 4)).value() == bare.time(comm(Collective::kAllGather, kMiB, 4)).value());
  CHECK(with.time(comm(Collective::kAllReduce, kMiB, 1)).value() == 0.0);
  CHECK(with.time(comm(Collective::kAllReduce, 0, 4)).value() == 0.0);
}

TEST_CASE("communication efficiency: bad curves throw ConfigError with the reason") {
  const Hardware hw = hardware();
  CHECK_THROWS_WITH_AS((void)communication_efficiencies().create(
                           "curve", curve_params({1024, 2048}, {0.5}), hw),
                       "communication efficiency curve: 2 sizes but 1 efficiencies", ConfigError);
  CHECK_THROWS_WITH_AS((void)communication_efficiencies().create(
                           "curve", curve_params({2048, 1024}, {0.5, 0.6}), hw),
                       "communication efficiency curve: sizes must be strictly increasing",
                       ConfigError);
  CHECK_THROWS_WITH_AS((void)communication_efficiencies().create(
                           "curve", curve_params({1024}, {0}), hw),
                       "communication efficiency curve: efficiencies must lie in (0, 1]",
                       ConfigError);
  CHECK_THROWS_AS((void)communication_efficiencies().create("curve", {}, hw), ConfigError);
  CHECK_THROWS_WITH_AS((void)communication_efficiencies().create("flat", {}, hw),
                       "unknown communication efficiency 'flat'; valid: constant, curve, "
                       "link_class, measured",
                       ConfigError);
}

TEST_CASE("communication efficiency: the fit recovers a synthetic overhead and curve") {
  // Rows made by the model itself: t = 40 us + W / eta(S) + L with eta rising 0.2 -> 0.9 over
  // 16 KiB .. 1 GiB (knots every 16x), all-reduce over 2 and 4 devices. Stage 1 reads the
  // overhead from S <= 64 KiB, where W < 0.3 us: the floor is 40 us + W (1/eta - 1) there, so
  // it is within 1 us; stage 2 then fits each knot's eta.
  const Hardware hw = hardware();
  const EfficiencyCurve truth{{16384, 262144, 4194304, 67108864, 1073741824},
                              {0.2, 0.35, 0.6, 0.8, 0.9}};
  const auto truth_eff = std::make_shared<CurveEfficiency>(
      truth, std::map<Collective, EfficiencyCurve>{},
      std::map<Collective, Seconds>{{Collective::kAllReduce, Seconds(40 * kUs)}});
  const LinkCollectiveModel model(hw, 8, truth_eff);
  std::vector<CollectiveRow> rows;
  for (int n : {1, 2, 4}) {
    for (double s : truth.sizes) {
      rows.push_back({"all_reduce", "nccl", s, n,
                      n == 1 ? 35 * kUs : model.time(comm(Collective::kAllReduce, s, n)).value()});
    }
  }
  rows.push_back({"all_reduce", "gloo", 1e6, 2, 1.0});  // another backend: not fitted
  const auto samples = collective_samples(rows, hw, 8, "nccl");
  CHECK(samples.size() == 10);  // group-1 and gloo rows left out
  const EfficiencyFit fit = fit_efficiency(samples, {});
  CHECK(fit.overheads.at(Collective::kAllReduce).value() == doctest::Approx(40 * kUs).epsilon(0.02));
  const auto& c = fit.curves.at(Collective::kAllReduce);
  REQUIRE(c.sizes == truth.sizes);
  for (std::size_t i = 2; i < truth.sizes.size(); ++i) {
    CHECK(c.eta[i] == doctest::Approx(truth.eta[i]).epsilon(0.01));
  }
}

TEST_CASE("communication efficiency: all_to_all rows count the kept chunk, skewed rows do not") {
  // A 2-rank all_to_all of 1 MiB per rank sends 512 KiB to the peer; the skewed op's bytes are
  // already the busiest rank's bytes to its peers.
  CHECK(message_of_row({"all_to_all", "nccl", kMiB, 2, 1e-3}).value() == kMiB / 2);
  CHECK(message_of_row({"all_to_all_skewed", "nccl", kMiB, 2, 1e-3}).value() == kMiB);
  CHECK(message_of_row({"all_reduce", "nccl", kMiB, 2, 1e-3}).value() == kMiB);
  CHECK(collective_of_table_op("reduce_scatter") == Collective::kReduceScatter);
  CHECK(collective_of_table_op("all_to_all_skewed") == Collective::kAllToAll);
  CHECK(!collective_of_table_op("broadcast"));
}

TEST_CASE("communication efficiency: measured reads a table and reports a missing one") {
  const auto dir = std::filesystem::temp_directory_path() / "moesim_commeff_measured";
  std::filesystem::create_directories(dir);
  {
    std::ofstream f(dir / "collective.csv");
    f << "op,backend,bytes,group,time_s\n"
      << "all_reduce,nccl,1024,2,5e-05\nall_reduce,nccl,1073741824,2,0.0033\n";
  }
  ParamSet p;
  p.set("profile", dir.string());
  const std::shared_ptr<const CommunicationEfficiency> eff = communication_efficiencies().create("measured", p, hardware());
  // Ring over 2: W = 2 x 1/2 x S / bw = S / bw, L = 2 x 1 x 2 us = 4 us.
  // 1 KiB: overhead = 50 us - 4 us - 1024 / 450 GB/s; 1 GiB: eta = W / (t - o - L).
  CHECK(eff->overhead(Collective::kAllReduce).value() ==
        doctest::Approx(50e-6 - 4e-6 - 1024 / 450e9).epsilon(1e-9));
  const double o = eff->overhead(Collective::kAllReduce).value();
  CHECK(eff->efficiency(Collective::kAllReduce, Bytes(1073741824.0)) ==
        doctest::Approx(1073741824.0 / 450e9 / (0.0033 - o - 4e-6)).epsilon(1e-6));
  p.set("profile", (dir / "absent").string());
  CHECK_THROWS_WITH_AS((void)communication_efficiencies().create("measured", p, hardware()),
                       ((dir / "absent").string() + ": no such collective table").c_str(),
                       InputError);
  std::filesystem::remove_all(dir);
}

TEST_CASE("communication efficiency: the measured H200 pair gives a 20-70 us floor") {
  const std::string dir = std::string(MOESIM_SOURCE_DIR) + "/models/profiles/nvidia-h200-x2";
  Hardware hw = hardware();
  MeasuredCurveOptions o;
  const auto eff = measured_efficiency(dir, hw, o);
  for (Collective c : {Collective::kAllReduce, Collective::kAllGather, Collective::kAllToAll}) {
    CHECK(eff->overhead(c).value() > 20 * kUs);
    CHECK(eff->overhead(c).value() < 70 * kUs);
    CHECK(eff->efficiency(c, Bytes(1073741824.0)) > 0.5);
    CHECK(eff->efficiency(c, Bytes(1073741824.0)) <= 1.0);
  }
}

TEST_CASE("communication efficiency: the reader takes reduce_scatter and all_to_all_skewed rows") {
  // Written by profiler/collectives.py under torchrun with 2 CPU processes (gloo, --quick).
  const std::string file =
      std::string(MOESIM_SOURCE_DIR) + "/tests/profiles/data/gloo-smoke/collective.csv";
  const auto rows = read_collective_table(file);
  CHECK(rows.size() == 31);
  const auto count = [&](const std::string& op) {
    return std::count_if(rows.begin(), rows.end(), [&](const auto& r) { return r.op == op; });
  };
  CHECK(count("reduce_scatter") == 6);
  CHECK(count("all_to_all_skewed") == 7);
  const auto samples = collective_samples(rows, hardware(), 8, "gloo");
  CHECK(samples.size() == 19);  // group 2 only
  const auto fit = fit_efficiency(samples, {});
  CHECK(fit.curves.count(Collective::kReduceScatter) == 1);
  CHECK(fit.curves.count(Collective::kAllToAll) == 1);  // uniform and skewed rows together
}
