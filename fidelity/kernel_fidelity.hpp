// Leave-one-GPU-out fidelity of the kernel cost model (`moesim fidelity --leave-one-out`).
//
// For every GPU X with measurements: the constants of X's architecture family are fitted
// (kernel_fit.hpp) on the datasets of the other GPUs of that family (every dataset of X, both
// the project's tables and external ones, is left out); when no other GPU of the family has
// data, on every other dataset ("transferred"). The fitted model then prices X's rows:
// - operators: |model - measured| / measured per row, per table family;
// - for datasets with the project's tables, one decoder layer in decode of each layer model
//   (batch 1, 2, 4, ..., 256; q = 1..5 new tokens; context 1024 cached tokens; tp = ep = 1):
//   the measured layer is the sum of its operators looked up in X's tables (the profiled model,
//   exact at measured points, interpolated between them); the predicted layer the same sum
//   priced by the fitted kernel model; also the MoE block (router, shared and routed experts)
//   and the target efficiency T(B, 1) / T(B, q) of the layer (absolute difference).
// The catalog roofline's errors are reported beside it for comparison.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "fidelity/kernel_fit.hpp"
#include "models/model_arch.hpp"
#include "models/profile_table.hpp"

namespace moesim {

// One measured decoder layer or MoE block (profiler families decode_layer / moe_block).
struct MeasuredLayer {
  ModelArch model;
  bool moe_block = false;  // only router, shared and routed experts
  bool dense_ffn = false;  // a dense layer of an MoE model (first_dense_layers)
  int batch = 0, q = 0, context = 0;
  double time_s = 0;
};

struct KernelCheckData {
  KernelDataset data;
  std::shared_ptr<const ProfileTables> tables;  // the project's tables (layer checks); or null
  std::vector<MeasuredLayer> layers;            // whole layers timed on the GPU, if any
};

struct LayerErrors {
  ErrorStats layer, layer_small;  // all batches; batch 1-8
  ErrorStats moe_block;
  ErrorStats target_efficiency;   // absolute difference of T(B,1)/T(B,q), q = 2..5
  std::size_t skipped = 0;        // points the tables could not price
};

// One priced row of a left-out GPU (for `moesim fidelity --leave-one-out --rows FILE`).
struct KernelRowResult {
  std::string family;  // table family
  Op op;
  double measured_s = 0, kernel_s = 0, roofline_s = 0;
};

// Errors of a price against whole measured layers: decoder layers (all batches, batch 1-8), MoE
// blocks, and the median predicted / measured ratio of the decoder layers.
struct DirectLayerErrors {
  ErrorStats layer, small, block;
  double ratio = 0;
};

struct KernelGpuReport {
  std::string label, gpu;
  bool check_only = false;
  std::string family, fitted_on;  // datasets used for the fit ("transferred: ..." when other
                                  // families)
  KernelFamily fitted;
  std::vector<std::pair<std::string, ErrorStats>> ops;  // per table family, kernel model
  ErrorStats ops_kernel, ops_roofline;                  // all rows
  bool has_layers = false;
  LayerErrors kernel, roofline;
  // Against whole measured layers (MeasuredLayer): the kernel model, the catalog roofline, and
  // the GPU's own operator tables summed over moesim's operator list (what the list leaves
  // out of a real layer, with no cost model in between; empty without tables).
  DirectLayerErrors direct_kernel, direct_roofline, direct_tables;
  std::vector<KernelRowResult> rows;  // every operator row priced (same order as the data)
};

// Predicted time of one measured layer or block under `price` (seconds per op occurrence).
[[nodiscard]] double measured_layer_prediction(const MeasuredLayer& l,
                                               const std::function<double(const Op&)>& price);

// `layer_models`: the models whose decoder layers are checked (dense or MoE, MHA/GQA).
[[nodiscard]] std::vector<KernelGpuReport> kernel_leave_one_out(
    const std::vector<KernelCheckData>& data, const std::vector<ModelArch>& layer_models);

// Markdown tables of the report (percent with one decimal; efficiency differences to 3 places).
[[nodiscard]] std::string kernel_fidelity_markdown(const std::vector<KernelGpuReport>& r);

// The family start values `fit_kernel_family` begins from (the shipped constants of `name`, or
// hopper's when the family has none).
[[nodiscard]] KernelFamily kernel_fit_start(const std::string& name);

}  // namespace moesim
