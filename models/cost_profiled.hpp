// The `profiled` cost model: operator times interpolated from measured tables (profile_table.hpp)
// in log space, the roofline (or another registered model) where the tables cannot answer.
//
// Lookup rules (profiler/README.md, "How moesim uses the tables", says the same):
// - GEMM ops (op.m tokens through an op.n x op.k weight, FLOPs = 2mnk): the (n, k) table of the
//   op's dtype (bf16 rows serve bf16 and fp16), log time vs log m. dense_ffn and shared_experts
//   (FLOPs = 2 x mats x mnk) are the two GEMMs the profiler measured: gated (m, 2n, k) + (m, k, n),
//   plain (m, n, k) + (m, k, n). Any other GEMM whose FLOPs are not 2mnk (MLA projections) uses
//   the (n, k) hint, scaled. A shape without a table uses the nearest measured shape, distance
//   |log n/n'| + |log k/k'| (ties: smaller n'k'), scaled.
// - routed_experts (m token-expert rows, n activated experts, k intermediate; hidden = FLOPs /
//   (6 m k), gated): the (hidden, inter) table, over (activated experts, rows), rows of the
//   `routing` parameter's assignment; another (hidden, inter) by the same nearest rule, scaled.
// - attn_core (m query tokens, n KV entries read): the measured layout and head split whose
//   bytes per KV entry and per token reproduce op.bytes (else the closest, scaled); then the
//   batch B, tokens per sequence q and context L that give op.m, op.n and op.flops for B equal
//   sequences; q within the decode table's range: decode table over (q, B, L + q); else prefill
//   table over (chunk q, L + q), times B.
// - Elementwise ops: the kernel's table (norms_residual, embedding, sampling; others and
//   rejection_sampling use copy / sampling, scaled) over bytes.
// - "scaled": measured time of the stand-in x roofline(op) / roofline(stand-in).
// - No table, or a coordinate outside the measured range of an axis: the fallback model, and the
//   family's fallback counter grows. Communication ops always fall back.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>

#include "models/cost_model.hpp"
#include "models/profile_grid.hpp"
#include "models/profile_table.hpp"

namespace moesim {

enum class ProfileFamily { kGemm, kGroupedGemm, kAttention, kElementwise, kCommunication };
inline constexpr int kProfileFamilies = 5;
[[nodiscard]] const char* profile_family_name(ProfileFamily f);
// The table family that prices `op`: by op name (attn_core, routed_experts, ...), else by class.
[[nodiscard]] ProfileFamily profile_family(const Op& op);

// Whether the tables time `op` under its own name; false for an elementwise op priced from
// another kernel's table as a stand-in (the copy table for top-k, permutation, KV write).
[[nodiscard]] bool has_own_profile_table(const Op& op);

enum class Lookup { kExact, kScaled };

// How ops were priced since construction (or the last reset), per family (index = family).
struct ProfiledCounters {
  std::array<std::uint64_t, kProfileFamilies> exact{}, scaled{}, fallback{};
  std::uint64_t hardware_mismatch = 0;  // ops priced on a device other than the tables'
  [[nodiscard]] std::uint64_t fallbacks() const;
  [[nodiscard]] std::uint64_t lookups() const;  // exact + scaled + fallback, all families
};

class ProfiledCostModel final : public CostModel {
 public:
  // `fallback` (not null) prices what the tables cannot. `routing`: grouped-GEMM rows to use
  // (uniform | skewed; when the tables have none of that routing, all rows).
  ProfiledCostModel(const ProfileTables& tables, std::shared_ptr<const CostModel> fallback,
                    std::string routing = "uniform");

  [[nodiscard]] OpTime time(const Op& op, const Hardware& hw) const override;

  // The tables' time of one occurrence of `op` in seconds, or nullopt outside them; `how` says
  // whether a stand-in was scaled. Counts nothing.
  [[nodiscard]] std::optional<double> lookup(const Op& op, const Hardware& hw,
                                             Lookup* how = nullptr) const;

  // True when the tables were measured on `hw`: metadata's hardware_preset equals hw.name, or,
  // without one, the first '-'-separated word of hw.name ("h100") occurs in the device name.
  [[nodiscard]] bool hardware_matches(const Hardware& hw) const;
  [[nodiscard]] ProfiledCounters counters() const;
  void reset_counters() const;
  [[nodiscard]] const ProfileMetadata& metadata() const { return metadata_; }

 private:
  struct Value {
    double seconds;
    bool scaled;
  };
  using GemmKey = std::tuple<DType, double, double>;  // dtype, n, k
  [[nodiscard]] std::optional<Value> gemm(double m, double n, double k, DType dt,
                                          const Hardware& hw) const;
  [[nodiscard]] std::optional<Value> gemm_op(const Op& op, const Hardware& hw) const;
  [[nodiscard]] std::optional<Value> grouped(const Op& op, const Hardware& hw) const;
  [[nodiscard]] std::optional<Value> attention(const Op& op, const Hardware& hw) const;
  [[nodiscard]] std::optional<Value> elementwise(const Op& op, const Hardware& hw) const;

  std::shared_ptr<const CostModel> fallback_;
  ProfileMetadata metadata_;
  std::map<GemmKey, LogGrid> gemm_;                       // axis: m
  std::map<std::pair<double, double>, LogGrid> grouped_;  // (hidden, inter): active, rows
  std::map<AttentionConfig, LogGrid> decode_;             // q, batch, context + q
  std::map<AttentionConfig, double> decode_q_max_;
  std::map<AttentionConfig, LogGrid> prefill_;  // chunk, context + chunk
  std::map<std::string, LogGrid> elementwise_;  // kernel: bytes

  mutable std::array<std::atomic<std::uint64_t>, kProfileFamilies> exact_{}, scaled_{},
      fallback_count_{};
  mutable std::atomic<std::uint64_t> mismatch_{0};
  mutable std::mutex hw_mutex_;
  mutable std::map<std::string, bool> hw_checked_;
};

void register_profiled_cost_model(CostModelRegistry& r);

}  // namespace moesim
