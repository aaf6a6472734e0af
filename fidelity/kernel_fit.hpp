// Fitting the constants of an architecture family (models/kernel_family.hpp) to measured
// operator times of one or more GPUs, each priced with its own datasheet figures.
//
// Objective: the mean over groups (one group = one GPU's rows of one table family: gemm,
// grouped_gemm, attention_decode, ...) of the mean squared log error ln(model / measured) of the
// group's rows, so that no table outweighs another by its row count; a group above 2,000 rows is thinned
// to every k-th row. Method: compass search
// over the constants (log-scale ones in ln value), within the ranges of kernel_param_info(),
// from `start`; each step halves when no move improves; deterministic.
#pragma once

#include <string>
#include <vector>

#include "fidelity/calibration.hpp"
#include "models/kernel_family.hpp"

namespace moesim {

// One GPU's measured operator times.
struct KernelDataset {
  std::string label;     // "h100-sxm (moesim tables)"
  std::string gpu;       // the GPU, for leave-one-GPU-out ("h100")
  Hardware hw;           // the catalog preset the GPU is priced with
  std::vector<Sample> samples;
  bool eager = false;    // kernels launched one by one (Vidur), not replayed from a graph
  bool check_only = false;  // never fitting data of the shipped constants (a check set)
};

// Time of `s` on `d` with family `f`: kernel_time plus, for eager data, the eager extra per
// kernel.
[[nodiscard]] double kernel_sample_time(const Sample& s, const KernelDataset& d,
                                        const KernelFamily& f);

// Rows the fit leaves out: rows under 1 us (timer resolution and harness noise).
[[nodiscard]] bool kernel_fit_excludes(const Sample& s);

// Fits every constant of `start` (name and tiles kept) to `data`.
[[nodiscard]] KernelFamily fit_kernel_family(const std::vector<const KernelDataset*>& data,
                                             const KernelFamily& start);

}  // namespace moesim
