// Measured operator tables written by profiler/profile_ops.py (schema: profiler/README.md):
// one CSV per operator family plus metadata.json, read into typed rows, and the ops those rows
// stand for, counted exactly as models/step_ops.cpp counts them.
#pragma once

#include <compare>
#include <string>
#include <vector>

#include "models/dtype.hpp"
#include "models/operator.hpp"

namespace moesim {

// gemm.csv: M tokens through an N x K weight.
struct GemmRow {
  double m = 0, n = 0, k = 0;
  DType dtype = DType::kBf16;
  double time_s = 0;
};

// grouped_gemm.csv: routed experts (gated: gate+up 2I x H, down H x I) as one grouped GEMM;
// tokens = token-expert rows (op.m of routed_experts), experts_active = op.n, inter = op.k.
struct GroupedRow {
  double tokens = 0, experts_active = 0, hidden = 0, inter = 0;
  DType dtype = DType::kBf16;
  std::string impl;     // grouped_mm | loop
  std::string routing;  // uniform | skewed
  double time_s = 0;
};

// One attention layout. MHA/GQA: heads, kv_heads, head_dim (= v_head_dim), kv_lora = rope = 0.
// MLA: kv_heads 1, head_dim = qk_nope + rope and v_head_dim (the expanded prefill form), kv_lora
// and rope (the latent the decode form reads).
struct AttentionConfig {
  std::string kind;  // mha | gqa | mla
  int heads = 0, kv_heads = 0, head_dim = 0, v_head_dim = 0, kv_lora = 0, rope_dim = 0;
  auto operator<=>(const AttentionConfig&) const = default;
  [[nodiscard]] std::string text() const;  // "gqa 32/8 x128"
};

// Per-token and per-pair work of attn_core for one layout with heads split over `shard` devices
// (as step_ops.cpp splits them over tp; KV bytes assume a 2-byte cache).
struct AttentionWork {
  double kv_bytes_per_entry = 0;   // e: bytes per KV entry read
  double act_elems_per_token = 0;  // w: activation elements (2 B) per query token
  double flops_per_pair_decode = 0;
  double flops_per_pair_prefill = 0;
};
[[nodiscard]] AttentionWork attention_work(const AttentionConfig& c, int shard = 1);

// attention_decode.csv: `batch` sequences of `q` new tokens over `context` cached tokens.
struct DecodeRow {
  AttentionConfig config;
  double batch = 0, q = 0, context = 0, time_s = 0;
};

// attention_prefill.csv: one chunk of `chunk` tokens after `context` prefilled tokens.
struct PrefillRow {
  AttentionConfig config;
  double chunk = 0, context = 0, time_s = 0;
};

// elementwise.csv: `kernel` (norms_residual | embedding | sampling | copy) moving `bytes`.
struct ElementwiseRow {
  std::string kernel;
  double rows = 0, width = 0, bytes = 0, time_s = 0;
};

// collective.csv: one collective per rank; bytes = message per rank (profiler/README.md).
struct CollectiveRow {
  // all_reduce | all_to_all | all_gather | reduce_scatter | all_to_all_skewed; nccl | gloo
  std::string op, backend;
  double bytes = 0;
  int group = 1;
  double time_s = 0;
};

// decode_layer.csv (one whole decoder layer) or moe_block.csv (router + experts only), as the
// profiler's layer families write them (profiler/README.md, Schema).
struct LayerRow {
  std::string model;       // catalog preset
  bool moe_block = false;  // from moe_block.csv
  bool dense_ffn = false;  // decode_layer.csv `ffn` = dense (a dense layer of an MoE model)
  bool graph = true;       // timed by CUDA-graph replay
  double batch = 0, q = 0, context = 0, time_s = 0;
};

struct ProfileMetadata {
  bool present = false;         // metadata.json was found
  std::string device_name;      // e.g. "NVIDIA H100 80GB HBM3"
  std::string hardware_preset;  // catalog preset the tables are for, e.g. "h100-sxm" (may be "")
};

struct ProfileTables {
  std::string source;  // folder read, for messages
  ProfileMetadata metadata;
  std::vector<GemmRow> gemm;
  std::vector<GroupedRow> grouped;
  std::vector<DecodeRow> decode;
  std::vector<PrefillRow> prefill;
  std::vector<ElementwiseRow> elementwise;
  std::vector<CollectiveRow> collective;
  std::vector<LayerRow> layers;  // decode_layer.csv, then moe_block.csv
  [[nodiscard]] std::size_t rows() const;
};

// Reads every table present in `dir` (a missing file is an empty family; a folder without any
// table, or with no such folder, is an InputError). A malformed row throws
// InputError("PATH:LINE: ..."): wrong field count, a missing column, a value that is not a
// number, a time or size <= 0, an unknown dtype.
[[nodiscard]] ProfileTables read_profile(const std::string& dir);

// One table each (same errors); used by read_profile and tests.
[[nodiscard]] std::vector<GemmRow> read_gemm_table(const std::string& path);
[[nodiscard]] std::vector<GroupedRow> read_grouped_table(const std::string& path);
[[nodiscard]] std::vector<DecodeRow> read_decode_table(const std::string& path);
[[nodiscard]] std::vector<PrefillRow> read_prefill_table(const std::string& path);
[[nodiscard]] std::vector<ElementwiseRow> read_elementwise_table(const std::string& path);
[[nodiscard]] std::vector<CollectiveRow> read_collective_table(const std::string& path);
// decode_layer.csv (`moe_block` false) or moe_block.csv (true).
[[nodiscard]] std::vector<LayerRow> read_layer_table(const std::string& path, bool moe_block);
// device_name and hardware_preset of metadata.json (string fields of the top-level object).
[[nodiscard]] ProfileMetadata read_profile_metadata(const std::string& path);

// The op a row stands for, with FLOPs, bytes and shape hints exactly as step_ops.cpp sets them.
[[nodiscard]] Op table_gemm_op(double m, double n, double k, DType dtype);  // name "gemm"
[[nodiscard]] Op table_grouped_op(double tokens, double active, double hidden, double inter,
                                  DType dtype);  // "routed_experts"
// attn_core for `batch` sequences of q tokens over `context`, heads split over `shard`.
[[nodiscard]] Op table_attention_op(const AttentionConfig& c, double batch, double q,
                                    double context, bool prefill, int shard = 1);
[[nodiscard]] Op table_elementwise_op(const std::string& kernel, double bytes);
[[nodiscard]] Op table_op(const GemmRow& r);
[[nodiscard]] Op table_op(const GroupedRow& r);
[[nodiscard]] Op table_op(const DecodeRow& r);
[[nodiscard]] Op table_op(const PrefillRow& r);
[[nodiscard]] Op table_op(const ElementwiseRow& r);

}  // namespace moesim
