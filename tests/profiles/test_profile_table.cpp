// Reading measured tables: the committed synthetic profile, every malformed-row message, the
// metadata, the ops rows stand for, and the nested log-space grid.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "models/errors.hpp"
#include "models/profile_grid.hpp"
#include "models/profile_table.hpp"
#include "profile_support.hpp"

using namespace moesim;

namespace {

std::string temp_folder(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("moesim-profiles-" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

std::string write(const std::string& dir, const std::string& file, const std::string& text) {
  const std::string path = dir + "/" + file;
  std::ofstream(path) << text;
  return path;
}

}  // namespace

TEST_CASE("profile table: the synthetic profile reads with every family") {
  const ProfileTables t = read_profile(test::synthetic_profile());
  // Row counts follow make_synthetic.py: 4 GEMM shapes x 7 M; grouped: active 1 (7 token counts,
  // uniform only), 4 (6, uniform + skewed), 16 (5, uniform + skewed); attention 2 layouts x
  // (2 q x 2 batch x 3 contexts) decode and (2 chunks x 3 contexts) prefill; 4 kernels x 6 sizes;
  // 3 collectives x 3 sizes.
  CHECK(t.gemm.size() == 28);
  CHECK(t.grouped.size() == 7 + 12 + 10);
  CHECK(t.decode.size() == 24);
  CHECK(t.prefill.size() == 12);
  CHECK(t.elementwise.size() == 24);
  CHECK(t.collective.size() == 9);
  CHECK(t.rows() == 28 + 29 + 24 + 12 + 24 + 9);
  CHECK(t.metadata.present);
  CHECK(t.metadata.device_name == "synthetic roofline (not measured)");
  CHECK(t.metadata.hardware_preset == "test-ideal");
  CHECK(t.gemm[0].m == 1);
  CHECK(t.gemm[0].n == 2048);
  CHECK(t.gemm[0].k == 4096);
  CHECK(t.decode.back().config.kind == "mla");
  CHECK(t.decode.back().config.kv_lora == 512);
}

TEST_CASE("profile table: a malformed row names file and line") {
  const std::string dir = temp_folder("bad");
  const std::string header = "m,n,k,dtype,time_s\n";
  auto gemm = [&](const std::string& rows) { return write(dir, "gemm.csv", header + rows); };
  std::string p = gemm("1,2,3,bf16,1e-6\n4,5,x,bf16,1e-6\n");
  CHECK_THROWS_WITH_AS((void)read_gemm_table(p),
                       (p + ":3: column 'k': 'x' is not a number").c_str(), InputError);
  p = gemm("1,2,3,bf16\n");
  CHECK_THROWS_WITH_AS((void)read_gemm_table(p), (p + ":2: expected 5 fields, got 4").c_str(),
                       InputError);
  p = gemm("1,2,3,bf16,-1e-6\n");
  CHECK_THROWS_WITH_AS((void)read_gemm_table(p),
                       (p + ":2: column 'time_s' must be > 0, got -1e-6").c_str(), InputError);
  p = gemm("1,2,3,bf17,1e-6\n");
  CHECK_THROWS_WITH_AS((void)read_gemm_table(p), (p + ":2: unknown dtype 'bf17'").c_str(),
                       InputError);
  p = write(dir, "gemm.csv", "# comment lines are skipped\nm,n,dtype,time_s\n1,2,bf16,1e-6\n");
  CHECK_THROWS_WITH_AS((void)read_gemm_table(p), (p + ":2: missing column 'k'").c_str(),
                       InputError);
  p = write(dir, "attention_decode.csv",
            "kind,heads,kv_heads,head_dim,v_head_dim,kv_lora,rope_dim,batch,q,context,time_s\n"
            "gqa,32,8,128,128,0,0,1,1,256,1e-5\nxla,32,8,128,128,0,0,1,1,256,1e-5\n");
  CHECK_THROWS_WITH_AS((void)read_decode_table(p),
                       (p + ":3: kind must be mha, gqa or mla, got 'xla'").c_str(), InputError);
  p = write(dir, "collective.csv", "op,backend,bytes,group,time_s\nall_sum,nccl,1024,2,1e-5\n");
  CHECK_THROWS_WITH_AS((void)read_collective_table(p),
                       (p + ":2: unknown collective 'all_sum'").c_str(), InputError);
  // read_profile passes the same messages on.
  gemm("1,2,3,bf16,1e-6\n4,5,x,bf16,1e-6\n");
  std::filesystem::remove(dir + "/attention_decode.csv");
  std::filesystem::remove(dir + "/collective.csv");
  CHECK_THROWS_WITH_AS((void)read_profile(dir),
                       (dir + "/gemm.csv:3: column 'k': 'x' is not a number").c_str(), InputError);
}

TEST_CASE("profile table: an empty or missing folder is an input error") {
  const std::string dir = temp_folder("empty");
  CHECK_THROWS_WITH_AS((void)read_profile(dir),
                       (dir + ": no measured rows (expected gemm.csv, ...)").c_str(), InputError);
  CHECK_THROWS_WITH_AS((void)read_profile(dir + "/nope"),
                       (dir + "/nope: no such profile folder").c_str(), InputError);
  // Without metadata.json the tables still read; the metadata is marked absent.
  write(dir, "elementwise.csv", "kernel,bytes,time_s\ncopy,1024,1e-6\n");
  const ProfileTables t = read_profile(dir);
  CHECK_FALSE(t.metadata.present);
  CHECK(t.elementwise.size() == 1);
}

TEST_CASE("profile table: rows stand for the ops step_ops counts") {
  // GEMM 16 x 4096 x 1024 bf16: FLOPs 2*16*4096*1024 = 134217728; bytes = weights 4096*1024*2
  // (8388608) + input 16*1024*2 (32768) + output 16*4096*2 (131072) = 8552448.
  const Op g = table_gemm_op(16, 4096, 1024, DType::kBf16);
  CHECK(g.flops.value() == 134217728.0);
  CHECK(g.bytes.value() == 8552448.0);
  // GQA 32/8 x 128, 8 sequences of q = 2 over 1024: t = 16, n = 8 * 1026 = 8208 entries,
  // pairs = 16 * (1024 + 1.5) = 16408; FLOPs 4*32*128*16408 = 268828672;
  // bytes 8208 * (2*8*128*2 = 4096) + 16 * (2*32*128) * 2 = 33619968 + 262144 = 33882112.
  const AttentionConfig gqa{"gqa", 32, 8, 128, 128, 0, 0};
  const Op a = table_attention_op(gqa, 8, 2, 1024, false);
  CHECK(a.m == 16);
  CHECK(a.n == 8208);
  CHECK(a.flops.value() == 268828672.0);
  CHECK(a.bytes.value() == 33882112.0);
  // Split over 2 devices: half the heads and half the KV heads, so both halve.
  const Op a2 = table_attention_op(gqa, 8, 2, 1024, false, 2);
  CHECK(a2.flops.value() == 268828672.0 / 2);
  CHECK(a2.bytes.value() == 33882112.0 / 2);
  // MLA 16 heads, latent 512 + 64: decode FLOPs per pair 2*16*(576+512) = 34816; prefill
  // 2*16*(192+128) = 10240; bytes per entry 576*2 = 1152 (replicated, not split).
  const AttentionConfig mla{"mla", 16, 1, 192, 128, 512, 64};
  const AttentionWork w = attention_work(mla);
  CHECK(w.flops_per_pair_decode == 34816.0);
  CHECK(w.flops_per_pair_prefill == 10240.0);
  CHECK(attention_work(mla, 4).kv_bytes_per_entry == 1152.0);
}

TEST_CASE("log grid: exact at points, log-linear between, nothing outside") {
  LogGrid g(2);
  // Two rows (a = 1, a = 4), each with its own x values: a non-rectangular grid.
  g.add({1, 1}, 1.0);
  g.add({1, 100}, 100.0);
  g.add({4, 4}, 8.0);
  g.add({4, 64}, 128.0);
  g.add({4, 64}, 512.0);  // repeated point: geometric mean sqrt(128 * 512) = 256
  g.finish();
  CHECK(*g.at({1, 1}) == doctest::Approx(1.0));
  CHECK(*g.at({4, 64}) == doctest::Approx(256.0));
  // Row a = 1 is v = x; at x = 10 (log-midpoint of 1 and 100): 10.
  CHECK(*g.at({1, 10}) == doctest::Approx(10.0));
  // At a = 2 (log-midway between 1 and 4), x = 16: row 1 gives 16, row 4 gives
  // exp(ln 8 + ln(16/4)/ln(64/4) * ln(256/8)) = 8 * 32^0.5 = 45.25; log-midpoint sqrt(16*45.25).
  CHECK(*g.at({2, 16}) == doctest::Approx(std::sqrt(16.0 * 8.0 * std::sqrt(32.0))));
  CHECK_FALSE(g.at({1, 0.5}).has_value());  // below row 1
  CHECK_FALSE(g.at({2, 2}).has_value());    // row 4 starts at 4
  CHECK_FALSE(g.at({8, 16}).has_value());   // beyond the last row
  CHECK_FALSE(g.at({1, -1}).has_value());
}

TEST_CASE("profile table: an empty file, an mla row without kv_lora, more experts than tokens") {
  const std::string dir = temp_folder("bad-rows");
  std::string p = write(dir, "gemm.csv", "# only a comment\n");
  CHECK_THROWS_WITH_AS((void)read_gemm_table(p), (p + ": empty file (no header row)").c_str(),
                       InputError);
  CHECK_THROWS_WITH_AS((void)read_gemm_table(dir + "/absent.csv"),
                       (dir + "/absent.csv: cannot open").c_str(), InputError);
  p = write(dir, "attention_decode.csv",
            "kind,heads,kv_heads,head_dim,v_head_dim,kv_lora,rope_dim,batch,q,context,time_s\n"
            "mla,16,16,128,128,0,64,1,1,256,1e-5\n");
  CHECK_THROWS_WITH_AS((void)read_decode_table(p), (p + ":2: an mla row needs kv_lora > 0").c_str(),
                       InputError);
  p = write(dir, "grouped_gemm.csv",
            "tokens,experts_active,hidden,inter,dtype,impl,routing,time_s\n"
            "2,3,2048,768,bf16,grouped_mm,uniform,1e-5\n");
  CHECK_THROWS_WITH_AS((void)read_grouped_table(p),
                       (p + ":2: experts_active exceeds tokens").c_str(), InputError);
}

// Regression: a UTF-8 byte order mark (as a spreadsheet program saves a CSV) became part of the
// first column's name: "missing column 'm'".
TEST_CASE("profile table: a UTF-8 byte order mark at the start of a table is skipped") {
  const std::string dir = temp_folder("bom");
  const std::string p = write(dir, "gemm.csv", "\xEF\xBB\xBFm,n,k,dtype,time_s\n1,2,3,bf16,1e-6\n");
  const auto rows = read_gemm_table(p);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].m == 1);
  CHECK(rows[0].k == 3);
}
