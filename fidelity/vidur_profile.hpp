// External measurements from Vidur (microsoft/vidur, data/profiling/; MIT): per-layer operator
// times of dense models (compute/<gpu>/<org>/<model>/mlp.csv) and NCCL all-reduce times
// (network/<cluster>/all_reduce.csv). Each compute row becomes moesim Ops counted as
// models/step_ops.cpp counts them, so the roofline (catalog or calibrated) can be compared with
// measurements nobody on this project took.
//
// Compute CSV: one row per (num_tokens, num_tensor_parallel_workers); for each op X the columns
// time_stats.X.{min,max,mean,median,std} in milliseconds (the median is read), plus n_head,
// n_kv_head, n_embd, n_expanded_embd, use_gated_mlp. Vidur ran one layer in fp16 on one GPU with
// the shapes one tensor-parallel rank of P would have (no communication). Conversion, with T =
// num_tokens, P = TP degree, H hidden, h heads, g kv heads, d head dim, I intermediate, all
// elements 2 bytes:
//   attn_pre_proj   GEMM m = T, n = (h/P + 2 max(1, g/P)) d (Q, K, V), k = H
//   attn_post_proj  GEMM m = T, n = H, k = h d / P
//   mlp_up_proj     GEMM m = T, n = (gated ? 2 : 1) I / P, k = H
//   mlp_down_proj   GEMM m = T, n = H, k = I / P
//   input_layernorm, post_attention_layernorm   elementwise, read + write T x H
//   attn_rope       elementwise, q and k read + written in place, plus the cos/sin cache (T x d)
//                   and int64 positions; Vidur rotates the full head dim
//   mlp_act         elementwise: SiLU-and-mul reads T x 2I/P and writes T x I/P (gated); GELU
//                   reads and writes T x I/P (plain)
//   add             elementwise, residual add of T x H (2 reads, 1 write); models with a parallel
//                   attention/MLP block (phi-2) add three tensors in two kernels (6 accesses)
//   emb             not converted (an embedding gather with vocabulary-parallel masking)
// GEMMs use table_gemm_op (weights n k, input m k, output m n; FLOPs 2 m n k), dtype fp16.
//
// Network CSV: time_stats.all_reduce.median (ms), num_workers, devices_per_node, size. Vidur
// writes size as elements x 2, i.e. the fp16 buffer in bytes: read as the all-reduce message.
//
// Malformed rows throw InputError("PATH:LINE: ...").
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fidelity/calibration.hpp"
#include "models/model_arch.hpp"
#include "models/operator.hpp"

namespace moesim {

// Dimensions of one model Vidur profiled (attention heads, not the TP split).
struct VidurModel {
  std::string name;    // Hugging Face model name, the last part of Vidur's folder
  std::string preset;  // moesim catalog preset with these figures ("" when none)
  int hidden = 0, heads = 0, kv_heads = 0, head_dim = 0, intermediate = 0;
  bool gated = true;
  bool parallel_block = false;  // attention and MLP read one norm; one add of three tensors
};

// The built-in table (sources in vidur_profile.cpp) and a lookup by model name.
[[nodiscard]] const std::vector<VidurModel>& vidur_models();
[[nodiscard]] std::optional<VidurModel> find_vidur_model(std::string_view name);
// `entry` with the dimensions of the catalog preset `m` (hidden, heads, kv heads, head dim,
// intermediate, gated).
[[nodiscard]] VidurModel vidur_model_from_preset(const VidurModel& entry, const ModelArch& m);

// The op one Vidur column stands for (names as in the CSV: attn_pre_proj, ...), or nullopt
// for a column that is not converted (emb, unknown names). tp must divide heads.
[[nodiscard]] std::optional<Op> vidur_op(std::string_view column, const VidurModel& m,
                                         double tokens, int tp);

struct VidurSample {
  Op op;
  double measured_s = 0;  // the median column, in seconds
  std::string column;     // Vidur op name
  double tokens = 0;
  int tp = 1;
  int line = 0;
};

struct VidurCompute {
  std::string path;
  VidurModel model;                  // the dimensions used
  std::vector<VidurSample> samples;  // converted ops, row by row, in column order
  std::vector<std::string> skipped;  // op columns present but not converted (emb)
};

// Reads one mlp.csv. With `model`, every row's n_head, n_kv_head, n_embd, n_expanded_embd and
// use_gated_mlp must equal its figures; without, they are taken from the first row (head dim =
// n_embd / n_head, parallel block = no post_attention_layernorm column).
[[nodiscard]] VidurCompute read_vidur_compute(const std::string& path,
                                              const std::optional<VidurModel>& model);

struct VidurAllReduceRow {
  double bytes = 0;  // message per rank (Vidur's size column)
  int ranks = 1;
  int devices_per_node = 1;
  double time_s = 0;
  int line = 0;
};
[[nodiscard]] std::vector<VidurAllReduceRow> read_vidur_all_reduce(const std::string& path);

// ---- Reports (vidur_report.cpp) ----

struct VidurErrors {
  std::string label;  // family (gemm, elementwise, overall) or Vidur op name
  ErrorStats roofline, calibrated;
  double roofline_ratio = 0, calibrated_ratio = 0;  // median of model / measured
};

struct VidurModelReport {
  std::string model;        // folder relative to the compute directory, e.g. "Qwen/Qwen-72B"
  std::string dims_source;  // "table", "preset NAME" or "csv"
  std::size_t rows = 0;     // CSV rows
  std::vector<VidurErrors> families;  // gemm, elementwise, overall
};

struct VidurComputeReport {
  std::string dir, hardware;
  bool calibrated = false;
  std::vector<VidurModelReport> models;  // sorted by folder
  std::vector<VidurErrors> all;          // every model: gemm, elementwise, overall
  std::vector<VidurErrors> by_op;        // every model, per Vidur op
};

// Looks up a catalog preset by name (the CLI passes the scenario catalog; tests pass none).
using VidurPresetLookup = std::function<ModelArch(const std::string&)>;

// Every mlp.csv under `dir` (any depth). Dimensions: the built-in table by model name (the
// preset's figures where the entry names one and `preset` is given), else the CSV's columns.
// `calibration` (may be null) prices the calibrated columns. InputError when no mlp.csv exists.
[[nodiscard]] VidurComputeReport vidur_compute_report(const std::string& dir, const Hardware& hw,
                                                      const Calibration* calibration,
                                                      const VidurPresetLookup& preset = {});
[[nodiscard]] std::string vidur_compute_markdown(const VidurComputeReport& r);

// A calibration fitted on one device carried to another: `target` with the fitted efficiencies
// and launch overheads (peaks, bandwidth and links stay the target's).
[[nodiscard]] Calibration calibration_on(const Calibration& c, const Hardware& target);

struct VidurNetworkBand {
  std::string group;  // "8 ranks, 8 per node" or "all"
  std::string band;   // "< 64 KiB", "64 KiB - 16 MiB", "> 16 MiB"
  ErrorStats error;
  double ratio = 0;  // median of model / measured
  double measured_min_s = 0, measured_max_s = 0;
};
struct VidurNetworkReport {
  std::string path, hardware;
  std::string model;  // the preset's communication-efficiency plug-in
  std::vector<VidurNetworkBand> bands;
};
// All-reduce rows priced by LinkCollectiveModel(hw, devices_per_node of the row) with the
// preset's communication efficiency (link_class without its custom all-reduce: Vidur times NCCL).
[[nodiscard]] VidurNetworkReport vidur_network_report(const std::string& path, const Hardware& hw);
[[nodiscard]] std::string vidur_network_markdown(const VidurNetworkReport& r);

}  // namespace moesim
