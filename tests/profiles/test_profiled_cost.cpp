// The `profiled` cost model on the synthetic profile: registry and parameters, exact at measured
// points, monotone between them, fallback outside the tables (counted), stand-ins scaled by the
// roofline, the hardware check, and a forward pass of step_ops priced from the tables alone.
#include <doctest/doctest.h>

#include <memory>

#include "models/cost_profiled.hpp"
#include "models/errors.hpp"
#include "models/step_ops.hpp"
#include "profile_support.hpp"

using namespace moesim;

namespace {

ProfiledCostModel synthetic_model(const std::string& routing = "uniform") {
  return {read_profile(test::synthetic_profile()), cost_models().create("roofline", {}), routing};
}

constexpr std::size_t kGemm = std::size_t(ProfileFamily::kGemm);

// The small GQA model whose shapes the synthetic profile holds (make_synthetic.py).
ModelArch synthetic_dense() {
  ModelArch m;
  m.name = "synthetic-dense";
  m.layers = 2;
  m.hidden = 4096;
  m.heads = 32;
  m.kv_heads = 8;
  m.head_dim = 128;
  m.ffn_intermediate = 1024;
  m.vocab = 4096;
  return m;
}

}  // namespace

TEST_CASE("profiled: registered with its parameters") {
  const auto& e = cost_models().at("profiled");
  REQUIRE(e.params.size() == 3);
  CHECK(e.params[0].name == "profile");
  CHECK(e.params[0].required());
  CHECK(e.params[1].name == "fallback");
  CHECK(e.params[1].default_text() == "roofline");
  ParamSet p;
  p.set("profile", test::synthetic_profile());
  auto model = cost_models().create("profiled", p);
  const Op op = table_gemm_op(64, 4096, 4096, DType::kBf16);
  // m = 64 is measured: the table's time, 5 us + bytes / (0.8 * 2e12).
  CHECK(model->time(op, test::test_ideal()).time.value() ==
        doctest::Approx(test::synthetic_time(0.7, 0.8, 5e-6, op.flops.value(), op.bytes.value())));
  CHECK_THROWS_WITH_AS((void)cost_models().create("profiled", {}),
                       "cost model 'profiled': profile: required parameter is missing (folder of "
                       "tables written by profiler/profile_ops.py (gemm.csv, ...));",
                       ConfigError);
  p.set("fallback", std::string("profiled"));
  CHECK_THROWS_WITH_AS((void)cost_models().create("profiled", p),
                       "cost model 'profiled': fallback cannot be 'profiled'", ConfigError);
  p.set("fallback", std::string("vidur"));
  CHECK_THROWS_AS((void)cost_models().create("profiled", p), ConfigError);
}

TEST_CASE("profiled: exact at every measured point") {
  const auto model = synthetic_model();
  const ProfileTables t = read_profile(test::synthetic_profile());
  const Hardware hw = test::test_ideal();
  auto check_rows = [&](const auto& rows) {
    for (const auto& r : rows) {
      Lookup how = Lookup::kScaled;
      const auto v = model.lookup(table_op(r), hw, &how);
      REQUIRE(v.has_value());
      CHECK(*v == doctest::Approx(r.time_s).epsilon(1e-9));
      CHECK(how == Lookup::kExact);
    }
  };
  check_rows(t.gemm);
  check_rows(t.decode);
  check_rows(t.prefill);
  check_rows(t.elementwise);
  for (const auto& r : t.grouped) {
    if (r.routing != "uniform") continue;
    CHECK(*model.lookup(table_op(r), hw) == doctest::Approx(r.time_s).epsilon(1e-9));
  }
  // The skewed model reads the skewed rows (x 1.1) where they exist.
  const auto skewed = synthetic_model("skewed");
  const Op g = table_grouped_op(256, 4, 2048, 768, DType::kBf16);
  CHECK(*skewed.lookup(g, hw) == doctest::Approx(1.1 * *model.lookup(g, hw)));
}

TEST_CASE("profiled: monotone between measured points") {
  const auto model = synthetic_model();
  const Hardware hw = test::test_ideal();
  double last = 0;
  for (double m = 1; m <= 4096; m *= 1.07) {  // GEMM over tokens
    const double v = *model.lookup(table_gemm_op(m, 6144, 4096, DType::kBf16), hw);
    CHECK(v >= last);
    last = v;
  }
  last = 0;
  for (double t = 16; t <= 4096; t *= 1.1) {  // grouped GEMM over rows, 10 active experts
    const double v = *model.lookup(table_grouped_op(t, 10, 2048, 768, DType::kBf16), hw);
    CHECK(v >= last);
    last = v;
  }
  last = 0;
  for (double a = 1; a <= 16; a *= 1.1) {  // ... and over active experts at 1024 rows
    const double v = *model.lookup(table_grouped_op(1024, a, 2048, 768, DType::kBf16), hw);
    CHECK(v >= last);
    last = v;
  }
  last = 0;
  const AttentionConfig gqa{"gqa", 32, 8, 128, 128, 0, 0};
  for (double ctx = 256; ctx <= 4096; ctx *= 1.1) {  // decode over context, batch 5
    const double v = *model.lookup(table_attention_op(gqa, 5, 1, ctx, false), hw);
    CHECK(v >= last);
    last = v;
  }
}

TEST_CASE("profiled: outside the tables the fallback prices and is counted") {
  const auto model = synthetic_model();
  const Hardware hw = test::test_ideal();
  const Op big = table_gemm_op(8192, 4096, 4096, DType::kBf16);  // M beyond 4096
  CHECK_FALSE(model.lookup(big, hw).has_value());
  CHECK(model.time(big, hw).time.value() == roofline_time(big, hw).time.value());
  (void)model.time(table_gemm_op(0.5, 4096, 4096, DType::kBf16), hw);  // M below 1
  (void)model.time(table_gemm_op(64, 4096, 4096, DType::kBf16), hw);   // measured
  Op comm;
  comm.name = "tp_allreduce_attn";
  comm.op_class = OpClass::kCommunication;
  comm.collective = Collective::kAllReduce;
  (void)model.time(comm, hw);
  ProfiledCounters c = model.counters();
  CHECK(c.fallback[kGemm] == 2);
  CHECK(c.exact[kGemm] == 1);
  CHECK(c.fallback[std::size_t(ProfileFamily::kCommunication)] == 1);
  CHECK(c.fallbacks() == 3);
  CHECK(c.lookups() == 4);
  CHECK(c.hardware_mismatch == 0);
  model.reset_counters();
  CHECK(model.counters().lookups() == 0);
}

TEST_CASE("profiled: stand-ins are scaled by the roofline ratio") {
  const auto model = synthetic_model();
  const Hardware hw = test::test_ideal();
  // No 3072 x 4096 table: the nearest shape is 2048 x 4096 (|ln 1.5| < |ln 2|), scaled.
  const Op op = table_gemm_op(64, 3072, 4096, DType::kBf16);
  Lookup how = Lookup::kExact;
  const double v = *model.lookup(op, hw, &how);
  CHECK(how == Lookup::kScaled);
  const Op ref = table_gemm_op(64, 2048, 4096, DType::kBf16);
  CHECK(v == doctest::Approx(*model.lookup(ref, hw) * roofline_time(op, hw).time.value() /
                             roofline_time(ref, hw).time.value()));
  // GQA decode with heads split over tp = 2: same layout, shard 2, scaled from the full one.
  const AttentionConfig gqa{"gqa", 32, 8, 128, 128, 0, 0};
  const Op half = table_attention_op(gqa, 8, 1, 1024, false, 2);
  const Op full = table_attention_op(gqa, 8, 1, 1024, false, 1);
  CHECK(*model.lookup(half, hw, &how) ==
        doctest::Approx(*model.lookup(full, hw) * roofline_time(half, hw).time.value() /
                        roofline_time(full, hw).time.value()));
  CHECK(how == Lookup::kScaled);
}

TEST_CASE("profiled: hardware match check counts, never throws") {
  const auto model = synthetic_model();
  Hardware other = test::test_ideal();
  other.name = "h100-sxm";
  CHECK(model.hardware_matches(test::test_ideal()));
  CHECK_FALSE(model.hardware_matches(other));
  (void)model.time(table_gemm_op(64, 4096, 4096, DType::kBf16), other);
  (void)model.time(table_gemm_op(64, 4096, 4096, DType::kBf16), other);
  CHECK(model.counters().hardware_mismatch == 2);
  // Without a preset in the metadata the chip word of the preset is looked for.
  ProfileTables t = read_profile(test::synthetic_profile());
  t.metadata.hardware_preset.clear();
  t.metadata.device_name = "NVIDIA H100 80GB HBM3";
  const ProfiledCostModel by_name(t, cost_models().create("roofline", {}));
  CHECK(by_name.hardware_matches(other));
  CHECK_FALSE(by_name.hardware_matches(test::test_ideal()));
}

TEST_CASE("profiled: a forward pass of step_ops is priced from the tables alone") {
  const auto model = synthetic_model();
  const Hardware hw = test::test_ideal();
  const ProfileTables t = read_profile(test::synthetic_profile());
  // 8 sequences of 1 token over 1024: every op's shape is in the tables; the KV write has no
  // table of its own and is priced from the copy table (a stand-in, counted as scaled).
  const ForwardOps f =
      build_forward_ops(synthetic_dense(), Parallel{}, BatchShape::decode(8, 1, 1024), nullptr);
  for (const Op& op : f.ops) {
    Lookup how = Lookup::kScaled;
    CHECK_MESSAGE(model.lookup(op, hw, &how).has_value(), op.name);
    const bool stand_in = std::string(op.name) == op_names::kKvWrite;
    CHECK_MESSAGE(how == (stand_in ? Lookup::kScaled : Lookup::kExact), op.name);
  }
  for (const Op& op : f.ops) {
    const std::string name = op.name;
    if (name == "attn_core") {  // batch 8, q 1, context 1024 is a measured row
      double want = 0;
      for (const auto& r : t.decode)
        if (r.config.kind == "gqa" && r.batch == 8 && r.q == 1 && r.context == 1024)
          want = r.time_s;
      CHECK(*model.lookup(op, hw) == doctest::Approx(want).epsilon(1e-9));
    }
    if (name == "dense_ffn") {  // gated: (8 x 2048 x 4096) + (8 x 4096 x 1024), both measured
      const double up = *model.lookup(table_gemm_op(8, 2048, 4096, DType::kBf16), hw);
      const double down = *model.lookup(table_gemm_op(8, 4096, 1024, DType::kBf16), hw);
      CHECK(*model.lookup(op, hw) == doctest::Approx(up + down));
    }
  }
}
