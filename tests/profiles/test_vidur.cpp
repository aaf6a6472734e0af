// Vidur's external measurements: the compute and all-reduce CSV readers, the exact op
// conversion, malformed rows, and the report over every model in data/vidur.
#include <doctest/doctest.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <tuple>

#include "models/errors.hpp"
#include "fidelity/vidur_profile.hpp"
#include "profile_support.hpp"
#include "tests/test_support.hpp"

using namespace moesim;

namespace {

// A Vidur compute CSV: for each op the five time_stats columns (median = the given value, the
// others deliberately different), then the model and shape columns.
std::string compute_header(const std::vector<std::string>& ops) {
  std::string h;
  for (const auto& op : ops)
    for (const char* s : {"min", "max", "mean", "median", "std"})
      h += "time_stats." + op + "." + s + ",";
  return h +
         "n_head,n_kv_head,n_embd,n_expanded_embd,vocab_size,use_gated_mlp,num_tokens,"
         "num_tensor_parallel_workers\n";
}

std::string compute_row(const std::vector<double>& medians_ms, const std::string& tail) {
  std::string r;
  for (double m : medians_ms)
    r += "0.001,9.0," + std::to_string(m * 1.5) + "," + std::to_string(m) + ",0.01,";
  return r + tail + "\n";
}

const std::vector<std::string> kLlamaOps = {
    "emb",         "input_layernorm", "attn_pre_proj",
    "attn_rope",   "attn_post_proj",  "post_attention_layernorm",
    "mlp_up_proj", "mlp_act",         "mlp_down_proj",
    "add"};

// A small GQA model: hidden 64, 4 heads of 16, 2 kv heads, intermediate 96, gated.
VidurModel tiny() { return {"tiny", "", 64, 4, 2, 16, 96, true, false}; }

std::string write(const std::string& dir, const std::string& name, const std::string& text) {
  const std::string p = dir + "/" + name;
  std::filesystem::create_directories(std::filesystem::path(p).parent_path());
  test::write_text(p, text);
  return p;
}

const VidurSample& sample(const VidurCompute& c, const std::string& col, double tokens, int tp) {
  for (const auto& s : c.samples)
    if (s.column == col && s.tokens == tokens && s.tp == tp) return s;
  FAIL("no sample " << col);
  return c.samples.front();
}

std::string tiny_csv() {
  std::vector<double> med = {0.05, 0.01, 0.02, 0.03, 0.04, 0.011, 0.05, 0.06, 0.07, 0.012};
  return compute_header(kLlamaOps) + compute_row(med, "4,2,64,96,128,True,8,2") +
         compute_row(med, "4,2,64,96,128,True,16,1");
}

}  // namespace

TEST_CASE("vidur compute csv: medians in ms become ops counted as step_ops counts them") {
  const std::string dir = test::temp_dir("vidur-compute");
  const VidurCompute c = read_vidur_compute(write(dir, "mlp.csv", tiny_csv()), tiny());
  REQUIRE(c.samples.size() == 18);  // 2 rows x 9 converted ops
  CHECK(c.skipped == std::vector<std::string>{"emb"});
  // T = 8, tp = 2: 2 query heads, max(1, 2/2) = 1 kv head, intermediate 48 per rank.
  const auto& qkv = sample(c, "attn_pre_proj", 8, 2);
  CHECK(qkv.measured_s == doctest::Approx(0.02e-3));
  CHECK(qkv.line == 2);
  CHECK(std::string(qkv.op.name) == "attn_pre_proj");
  CHECK(qkv.op.op_class == OpClass::kGemm);
  CHECK(qkv.op.dtype == DType::kFp16);
  CHECK(qkv.op.m == 8);
  CHECK(qkv.op.n == 64);  // (2 + 2 x 1) x 16
  CHECK(qkv.op.k == 64);
  CHECK(qkv.op.flops.value() == 65536);  // 2 x 8 x 64 x 64
  CHECK(qkv.op.bytes.value() == 10240);  // 64x64x2 + 8x64x2 + 8x64x2
  const auto& out = sample(c, "attn_post_proj", 8, 2);
  CHECK(out.op.n == 64);
  CHECK(out.op.k == 32);
  CHECK(out.op.flops.value() == 32768);
  CHECK(out.op.bytes.value() == 5632);  // 64x32x2 + 8x32x2 + 8x64x2
  const auto& up = sample(c, "mlp_up_proj", 8, 2);
  CHECK(up.op.n == 96);  // gate and up: 2 x 48
  CHECK(up.op.k == 64);
  CHECK(up.op.bytes.value() == 14848);  // 96x64x2 + 8x64x2 + 8x96x2
  const auto& down = sample(c, "mlp_down_proj", 8, 2);
  CHECK(down.op.n == 64);
  CHECK(down.op.k == 48);
  CHECK(down.op.flops.value() == 49152);
  CHECK(down.measured_s == doctest::Approx(0.07e-3));
  // Elementwise: bytes only.
  const auto& norm = sample(c, "input_layernorm", 8, 2);
  CHECK(norm.op.op_class == OpClass::kElementwise);
  CHECK(norm.op.flops.value() == 0);
  CHECK(norm.op.bytes.value() == 2048);  // read + write 8 x 64 x 2 B
  CHECK(sample(c, "post_attention_layernorm", 8, 2).op.bytes.value() == 2048);
  // q and k (2 + 1 heads of 16) read and written, the cos/sin cache 8 x 16 x 2, positions 8 x 8.
  CHECK(sample(c, "attn_rope", 8, 2).op.bytes.value() == 1536 + 256 + 64);
  CHECK(sample(c, "mlp_act", 8, 2).op.bytes.value() == 2304);  // 8 x (96 read + 48 write) x 2
  CHECK(sample(c, "add", 8, 2).op.bytes.value() == 3072);      // 3 x 8 x 64 x 2
  // T = 16, tp = 1: all heads.
  const auto& qkv1 = sample(c, "attn_pre_proj", 16, 1);
  CHECK(qkv1.op.n == 128);  // (4 + 2 x 2) x 16
  CHECK(qkv1.line == 3);
  CHECK(sample(c, "mlp_up_proj", 16, 1).op.n == 192);
}

TEST_CASE("vidur compute csv: without a table entry the dimensions come from the csv") {
  // phi-2's layout: one norm, plain GELU MLP, parallel block (no post_attention_layernorm).
  const std::vector<std::string> ops = {"input_layernorm", "attn_pre_proj", "mlp_up_proj",
                                        "mlp_act", "add"};
  const std::string dir = test::temp_dir("vidur-csv-dims");
  const std::string p = write(dir, "mlp.csv",
                              compute_header(ops) + compute_row({0.01, 0.02, 0.03, 0.04, 0.05},
                                                                "8,8,128,512,1000,False,4,1"));
  const VidurCompute c = read_vidur_compute(p, std::nullopt);
  CHECK(c.model.head_dim == 16);
  CHECK(c.model.kv_heads == 8);
  CHECK_FALSE(c.model.gated);
  CHECK(c.model.parallel_block);
  CHECK(sample(c, "mlp_up_proj", 4, 1).op.n == 512);  // plain: one matrix
  CHECK(sample(c, "mlp_act", 4, 1).op.bytes.value() == 2 * 4 * 512 * 2);
  CHECK(sample(c, "add", 4, 1).op.bytes.value() == 6 * 4 * 128 * 2);  // two adds of three tensors
  // The phi-2 table entry says the same.
  const auto phi = find_vidur_model("phi-2");
  REQUIRE(phi);
  CHECK(phi->parallel_block);
  CHECK_FALSE(phi->gated);
  CHECK(phi->head_dim == 80);
  // Llama-2-7b at 4096 tokens, tp 1: QKV 12288 x 4096.
  const auto llama = find_vidur_model("Llama-2-7b-hf");
  REQUIRE(llama);
  const auto op = vidur_op("attn_pre_proj", *llama, 4096, 1);
  REQUIRE(op);
  CHECK(op->n == 12288);
  CHECK(op->k == 4096);
  CHECK_FALSE(vidur_op("emb", *llama, 4096, 1));
  for (const auto& m : vidur_models()) CHECK(m.hidden == m.heads * m.head_dim);
}

TEST_CASE("vidur compute csv: malformed rows name the file and line") {
  const std::string dir = test::temp_dir("vidur-bad");
  auto fails = [&](const std::string& text, const std::string& needle) {
    const std::string p = write(dir, "mlp.csv", text);
    try {
      (void)read_vidur_compute(p, tiny());
      FAIL("no error for " << needle);
    } catch (const InputError& e) {
      const std::string what = e.what();
      CHECK(what.find(p + ":") == 0);
      CHECK_MESSAGE(what.find(needle) != std::string::npos, what);
    }
  };
  const std::string h = compute_header(kLlamaOps);
  std::vector<double> med(10, 0.01);
  med[1] = 0.0123;  // input_layernorm
  fails(h + compute_row(med, "4,2,64,96,128,True,8,2") + "1,2,3\n", "mlp.csv:3: expected");
  fails(h + compute_row(med, "4,2,64,96,128,True,8,3"), ":2: num_tensor_parallel_workers 3");
  fails(h + compute_row(med, "4,2,80,96,128,True,8,1"), ":2: column 'n_embd' is 80");
  fails(h + compute_row(med, "4,2,64,96,128,Maybe,8,1"), "is not True or False");
  fails(h + compute_row(med, "4,2,64,96,128,True,8.5,1"), "must be a whole number");
  std::string bad = compute_row(med, "4,2,64,96,128,True,8,1");
  bad.replace(bad.find("0.012300"), 8, "abc");
  fails(h + bad, ":2: column 'time_stats.input_layernorm.median': 'abc' is not a number");
  fails("time_stats.add.median,n_head\n0.1,4\n", "missing column");
}

TEST_CASE("vidur all-reduce csv: size in bytes, ms to seconds, error bands") {
  const std::string dir = test::temp_dir("vidur-net");
  const std::string head =
      ",time_stats.all_reduce.min,time_stats.all_reduce.max,time_stats.all_reduce.mean,"
      "time_stats.all_reduce.median,time_stats.all_reduce.std,rank,num_workers,size,collective,"
      "devices_per_node,max_devices_per_node\n";
  const std::string p = write(dir, "all_reduce.csv",
                              head +
                                  "0,0.01,0.05,0.03,0.02,0.01,0,2,2048,all_reduce,2,8\n"
                                  "1,0.1,0.5,0.3,0.4,0.1,0,2,33554432,all_reduce,2,8\n");
  const auto rows = read_vidur_all_reduce(p);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].bytes == 2048);
  CHECK(rows[0].ranks == 2);
  CHECK(rows[0].devices_per_node == 2);
  CHECK(rows[0].time_s == doctest::Approx(20e-6));
  CHECK(rows[1].line == 3);
  // A device with 1 GB/s links, no latency, eta 1: 2 x (1/2) x S / 1e9.
  Hardware hw = test::test_ideal();
  hw.scale_up = {BytesPerSec(1e9), Seconds(0), 8};
  hw.efficiency.communication = 1.0;
  const auto r = vidur_network_report(p, hw);
  REQUIRE(r.bands.size() == 4);  // the group and "all", each with two bands
  CHECK(r.bands[0].band == "< 64 KiB");
  CHECK(r.bands[0].ratio == doctest::Approx(2048e-9 / 20e-6));
  CHECK(r.bands[1].band == "> 16 MiB");
  CHECK(r.bands[1].error.median == doctest::Approx(33554432e-9 / 0.4e-3 - 1));
  CHECK(r.bands[3].group == "all");
  test::write_text(p, head + "0,1,1,1,1,0,0,2,2048,send_recv,2,8\n");
  try {
    (void)read_vidur_all_reduce(p);
    FAIL("a send_recv row was accepted");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).find(p + ":2: collective") == 0);
  }
}

TEST_CASE("vidur compute report: one block of rows per model folder") {
  const std::string dir = test::temp_dir("vidur-report");
  write(dir, "org/tiny/mlp.csv", tiny_csv());
  write(dir, "org2/other/mlp.csv", tiny_csv());
  const auto r = vidur_compute_report(dir, test::test_ideal(), nullptr);
  REQUIRE(r.models.size() == 2);
  CHECK(r.models[0].model == "org/tiny");
  CHECK(r.models[0].dims_source == "csv");
  CHECK(r.models[0].rows == 2);
  CHECK(r.models[0].families.size() == 3);
  CHECK(r.all.back().roofline.count == 36);
  CHECK(r.by_op.size() == 9);
  const std::string md = vidur_compute_markdown(r);
  CHECK(md.find("| org2/other | csv | 2 | gemm | 8 |") != std::string::npos);
  CHECK(md.find("| - | - | - |") != std::string::npos);  // no calibration
  CHECK_THROWS_AS(
      (void)vidur_compute_report(test::temp_dir("vidur-empty"), test::test_ideal(), nullptr),
      InputError);
}

TEST_CASE("vidur data: the report has rows for every model folder") {
  const std::string root = test::repo_data("vidur");
  const std::vector<std::tuple<std::string, std::string, std::string>> runs = {
      {"h100", "h100-sxm",
       " --calibrate-with " + std::string(MOESIM_SOURCE_DIR) + "/models/profiles/h100-sxm"},
      {"a100", "a100", ""}};
  for (const auto& [gpu, hw, extra] : runs) {
    const std::string dir = root + "/compute/" + gpu;
    const auto res = test::run_moesim("fidelity --vidur " + dir + " --hardware " + hw + extra);
    REQUIRE_MESSAGE(res.status == 0, res.output);
    int folders = 0;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
      if (e.path().filename() != "mlp.csv") continue;
      ++folders;
      const std::string model =
          std::filesystem::relative(e.path().parent_path(), dir).generic_string();
      // Its lines: "| model | dims | rows | family | ...", one per family.
      std::vector<std::string> families;
      std::istringstream lines(res.output);
      for (std::string l; std::getline(lines, l);) {
        if (l.rfind("| " + model + " | ", 0) != 0) continue;
        std::istringstream cells(l);
        std::string cell;
        for (int i = 0; i < 5; ++i) std::getline(cells, cell, '|');
        families.push_back(cell.substr(1, cell.size() - 2));
      }
      const std::vector<std::string> expected = {"gemm", "elementwise", "overall"};
      CHECK_MESSAGE(families == expected, model);
    }
    CHECK(folders >= 5);
    CHECK(res.output.find("| all models |") != std::string::npos);
    if (!extra.empty()) CHECK(res.output.find("| - | - | - |") == std::string::npos);
  }
  const auto net = test::run_moesim("fidelity --vidur-network " + root +
                                    "/network/h100_dgx --hardware h100-sxm");
  REQUIRE_MESSAGE(net.status == 0, net.output);
  for (const char* band : {"< 64 KiB", "64 KiB - 16 MiB", "> 16 MiB"})
    CHECK(net.output.find(std::string("| all | ") + band + " |") != std::string::npos);
}

TEST_CASE("vidur compute csv: whole-file problems give the exact message") {
  const std::string dir = test::temp_dir("vidur-bad-file");
  std::vector<double> med(10, 0.01);
  const std::string h = compute_header(kLlamaOps);
  CHECK_THROWS_WITH_AS((void)read_vidur_compute(dir + "/absent.csv", tiny()),
                       (dir + "/absent.csv: cannot open").c_str(), InputError);
  std::string p = write(dir, "mlp.csv", "");
  CHECK_THROWS_WITH_AS((void)read_vidur_compute(p, tiny()),
                       (p + ": empty file (no header row)").c_str(), InputError);
  p = write(dir, "mlp.csv", h);
  CHECK_THROWS_WITH_AS((void)read_vidur_compute(p, tiny()), (p + ": no rows").c_str(),
                       InputError);
  p = write(dir, "mlp.csv", h + compute_row(med, "3,1,64,96,128,True,8,1"));
  CHECK_THROWS_WITH_AS((void)read_vidur_compute(p, std::nullopt),
                       (p + ":2: n_embd is not a multiple of n_head").c_str(), InputError);
  p = write(dir, "mlp.csv", h + compute_row(med, "4,2,64,96,128,False,8,1"));
  CHECK_THROWS_WITH_AS((void)read_vidur_compute(p, tiny()),
                       (p + ":2: use_gated_mlp disagrees with tiny").c_str(), InputError);
  p = write(dir, "mlp.csv",
            "time_stats.foo.median,n_head,n_kv_head,n_embd,n_expanded_embd,vocab_size,"
            "use_gated_mlp,num_tokens,num_tensor_parallel_workers\n0.1,4,2,64,96,128,True,8,1\n");
  CHECK_THROWS_WITH_AS((void)read_vidur_compute(p, tiny()),
                       (p + ": no time_stats.<op>.median column of a known op").c_str(),
                       InputError);
  CHECK_THROWS_WITH_AS((void)vidur_compute_report(dir + "/absent", test::test_ideal(), nullptr),
                       (dir + "/absent: no such folder").c_str(), InputError);
  const std::string none = test::temp_dir("vidur-no-mlp");
  CHECK_THROWS_WITH_AS(
      (void)vidur_compute_report(none, test::test_ideal(), nullptr),
      (none + ": no mlp.csv under it (Vidur's compute/<gpu>/<org>/<model>/mlp.csv)").c_str(),
      InputError);
}

// Regression: a UTF-8 byte order mark became part of the first column's name, so that a file
// starting with n_head (columns are found by name, in any order) lacked its n_head column.
TEST_CASE("vidur compute csv: a UTF-8 byte order mark at the start is skipped") {
  const std::string dir = test::temp_dir("vidur-bom");
  // Each line's last 8 fields (the model and shape columns, n_head first) moved to its front.
  std::string shape_first;
  std::istringstream in(tiny_csv());
  for (std::string line; std::getline(in, line);) {
    std::size_t cut = line.size();
    for (int i = 0; i < 8; ++i) cut = line.rfind(',', cut - 1);
    shape_first += line.substr(cut + 1) + "," + line.substr(0, cut) + "\n";
  }
  REQUIRE(shape_first.rfind("n_head,", 0) == 0);
  const VidurCompute plain = read_vidur_compute(write(dir, "mlp.csv", tiny_csv()), tiny());
  const VidurCompute bom =
      read_vidur_compute(write(dir, "bom.csv", "\xEF\xBB\xBF" + shape_first), tiny());
  CHECK(bom.samples.size() == plain.samples.size());
  CHECK(bom.skipped == plain.skipped);
}
