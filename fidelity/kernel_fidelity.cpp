#include "fidelity/kernel_fidelity.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <optional>
#include <set>

#include "models/cost_kernel.hpp"
#include "models/cost_profiled.hpp"
#include "models/routing_model.hpp"
#include "models/step_ops.hpp"

namespace moesim {
namespace {

constexpr int kLayerContext = 1024;
constexpr int kBatches[] = {1, 2, 4, 8, 16, 32, 64, 128, 256};
constexpr int kMaxQ = 5;

using Price = std::function<std::optional<double>(const Op&)>;

struct LayerPoint {
  double layer = 0, moe = 0;
};

// One decoder layer (mean over the model's layers) and its MoE block, or nullopt when `price`
// cannot price one of its operators.
std::optional<LayerPoint> layer_time(const ModelArch& m, const RoutingModel& routing, int batch,
                                     int q, const Price& price) {
  const auto f = build_forward_ops(m, Parallel{}, BatchShape::decode(batch, q, kLayerContext),
                                   m.is_moe() ? &routing : nullptr);
  LayerPoint p;
  for (const Op& op : f.ops) {
    if (op.scope != OpScope::kPerLayer || op.collective != Collective::kNone) continue;
    if (!has_own_profile_table(op)) continue;  // compared only where the tables time it
    const auto t = price(op);
    if (!t) return std::nullopt;
    p.layer += *t * op.repeat / m.layers;
    if (op_in_moe_block(op)) p.moe += *t;
  }
  return p;
}

LayerErrors layer_errors(const std::vector<ModelArch>& models, const Price& measured,
                         const Price& predicted) {
  const auto routing = routing_models().create("uniform", {});
  std::vector<double> all, small, moe, eff;
  LayerErrors out;
  for (const auto& m : models) {
    for (int b : kBatches) {
      std::optional<LayerPoint> meas1, pred1;
      for (int q = 1; q <= kMaxQ; ++q) {
        const auto mp = layer_time(m, *routing, b, q, measured);
        const auto pp = layer_time(m, *routing, b, q, predicted);
        if (!mp || !pp) {
          ++out.skipped;
          continue;
        }
        const double e = std::abs(pp->layer - mp->layer) / mp->layer;
        all.push_back(e);
        if (b <= 8) small.push_back(e);
        if (m.is_moe()) moe.push_back(std::abs(pp->moe - mp->moe) / mp->moe);
        if (q == 1) {
          meas1 = mp;
          pred1 = pp;
        } else if (meas1 && pred1) {
          eff.push_back(std::abs(pred1->layer / pp->layer - meas1->layer / mp->layer));
        }
      }
    }
  }
  out.layer = error_stats(all);
  out.layer_small = error_stats(small);
  out.moe_block = error_stats(moe);
  out.target_efficiency = error_stats(eff);
  return out;
}

std::string family_of(const KernelCheckData& d) { return d.data.hw.architecture; }

}  // namespace

double measured_layer_prediction(const MeasuredLayer& l,
                                 const std::function<double(const Op&)>& price) {
  const auto routing = routing_models().create("uniform", {});
  const auto f = build_forward_ops(l.model, Parallel{}, BatchShape::decode(l.batch, l.q, l.context),
                                   l.model.is_moe() ? routing.get() : nullptr);
  double t = 0;
  for (const Op& op : f.ops) {
    if (op.scope != OpScope::kPerLayer || op.collective != Collective::kNone) continue;
    const bool moe_op = op_in_moe_block(op);
    if (l.moe_block && !moe_op) continue;
    if (l.model.is_moe() && !l.moe_block) {
      if (l.dense_ffn && moe_op) continue;                  // a dense layer of an MoE model
      if (!l.dense_ffn && op.kind == OpKind::kDenseFfn) continue;  // an MoE layer
    }
    t += price(op);
  }
  return t;
}

namespace {

// Errors of `price` against every whole measured layer it can price (a layer with an operator
// `price` cannot price is left out).
DirectLayerErrors direct_layer_errors(const std::vector<MeasuredLayer>& layers, const Price& price) {
  std::vector<double> all, small, block, ratio;
  for (const auto& l : layers) {
    bool priced = true;
    const double t = measured_layer_prediction(l, [&](const Op& op) {
      const auto v = price(op);
      if (!v) priced = false;
      return v.value_or(0.0);
    });
    if (!priced) continue;
    const double e = std::abs(t - l.time_s) / l.time_s;
    if (l.moe_block) {
      block.push_back(e);
      continue;
    }
    all.push_back(e);
    ratio.push_back(t / l.time_s);
    if (l.batch <= 8) small.push_back(e);
  }
  std::sort(ratio.begin(), ratio.end());
  DirectLayerErrors out;
  out.layer = error_stats(all);
  out.small = error_stats(small);
  out.block = error_stats(block);
  out.ratio = ratio.empty() ? 0.0 : ratio[ratio.size() / 2];
  return out;
}

}  // namespace

KernelFamily kernel_fit_start(const std::string& name) {
  const KernelFamily* f = find_kernel_family(name);
  KernelFamily start = f != nullptr ? *f : kernel_families().front();
  start.name = name;
  return start;
}

std::vector<KernelGpuReport> kernel_leave_one_out(const std::vector<KernelCheckData>& data,
                                                  const std::vector<ModelArch>& layer_models) {
  std::vector<KernelGpuReport> out;
  for (const auto& x : data) {
    KernelGpuReport r;
    r.label = x.data.label;
    r.gpu = x.data.gpu;
    r.check_only = x.data.check_only;
    r.family = family_of(x);
    std::vector<const KernelDataset*> fit_same, fit_other;
    std::string same_names, other_names;
    for (const auto& d : data) {
      if (d.data.gpu == x.data.gpu) continue;
      auto& list = family_of(d) == r.family ? fit_same : fit_other;
      auto& names = family_of(d) == r.family ? same_names : other_names;
      list.push_back(&d.data);
      names += (names.empty() ? "" : ", ") + d.data.label;
    }
    const bool transferred = fit_same.empty();
    r.fitted_on = transferred ? "transferred: " + other_names : same_names;
    r.fitted = fit_kernel_family(transferred ? fit_other : fit_same, kernel_fit_start(r.family));
    r.fitted.source = "fitted on " + r.fitted_on;

    std::map<std::string, std::vector<double>> per_family;
    std::vector<double> all_k, all_r;
    for (const Sample& s : x.data.samples) {
      const double k = kernel_sample_time(s, x.data, r.fitted);
      const double rf = roofline_time(s.op, x.data.hw).time.value();
      r.rows.push_back({s.family, s.op, s.measured_s, k, rf});
      per_family[s.family].push_back(std::abs(k - s.measured_s) / s.measured_s);
      all_k.push_back(std::abs(k - s.measured_s) / s.measured_s);
      all_r.push_back(std::abs(rf - s.measured_s) / s.measured_s);
    }
    for (auto& [name, e] : per_family) r.ops.emplace_back(name, error_stats(e));
    r.ops_kernel = error_stats(all_k);
    r.ops_roofline = error_stats(all_r);

    if (x.tables) {
      r.has_layers = true;
      const ProfiledCostModel table(*x.tables, std::shared_ptr<const CostModel>(
                                                   cost_models().create("roofline", {})));
      const Hardware& hw = x.data.hw;
      const Price measured = [&](const Op& op) { return table.lookup(op, hw); };
      const KernelFamily& f = r.fitted;
      const Price kernel = [&](const Op& op) -> std::optional<double> {
        return kernel_time(op, hw, f).time.value();
      };
      const Price roof = [&](const Op& op) -> std::optional<double> {
        return roofline_time(op, hw).time.value();
      };
      r.kernel = layer_errors(layer_models, measured, kernel);
      r.roofline = layer_errors(layer_models, measured, roof);
    }
    if (!x.layers.empty()) {
      const Hardware& hw = x.data.hw;
      const KernelFamily& f = r.fitted;
      r.direct_kernel = direct_layer_errors(
          x.layers, [&](const Op& op) -> std::optional<double> {
            return kernel_time(op, hw, f).time.value();
          });
      r.direct_roofline = direct_layer_errors(
          x.layers, [&](const Op& op) -> std::optional<double> {
            return roofline_time(op, hw).time.value();
          });
      if (x.tables) {
        const ProfiledCostModel table(*x.tables, std::shared_ptr<const CostModel>(
                                                     cost_models().create("roofline", {})));
        r.direct_tables = direct_layer_errors(
            x.layers, [&](const Op& op) -> std::optional<double> {
              if (!has_own_profile_table(op)) return 0.0;
              return table.lookup(op, hw);
            });
      }
    }
    out.push_back(std::move(r));
  }
  return out;
}

namespace {
std::string pct(const ErrorStats& s) {
  if (s.count == 0) return "n/a | n/a";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.1f%% | %.1f%%", 100 * s.median, 100 * s.p90);
  return buf;
}
std::string ratio(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", x);
  return buf;
}
std::string diff(const ErrorStats& s) {
  if (s.count == 0) return "n/a | n/a";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f | %.3f", s.median, s.p90);
  return buf;
}
}  // namespace

std::string kernel_fidelity_markdown(const std::vector<KernelGpuReport>& reports) {
  std::string s;
  s += "Leave-one-GPU-out: each GPU is priced with constants fitted without any of its data.\n\n";
  s += "| GPU left out | family | fitted on | rows | operators: kernel median | p90 | "
       "catalog roofline median | p90 |\n|---|---|---|---|---|---|---|---|\n";
  for (const auto& r : reports) {
    s += "| " + r.label + (r.check_only ? " (check set)" : "") + " | " + r.family + " | " +
         r.fitted_on + " | " + std::to_string(r.ops_kernel.count) + " | " + pct(r.ops_kernel) +
         " | " + pct(r.ops_roofline) + " |\n";
  }
  s += "\nDecoder layers in decode (batch 1-256, q 1-5, context " +
       std::to_string(kLayerContext) +
       "), measured = the GPU's operator tables summed per layer. Errors: median | p90.\n\n";
  s += "| GPU left out | model | layer median | p90 | layer batch 1-8 median | p90 | "
       "MoE block median | p90 | target efficiency abs. diff. median | p90 | points |\n"
       "|---|---|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& r : reports) {
    if (!r.has_layers) continue;
    for (const auto* le : {&r.kernel, &r.roofline}) {
      s += "| " + r.label + " | " + (le == &r.kernel ? "kernel (left out)" : "catalog roofline") +
           " | " + pct(le->layer) + " | " + pct(le->layer_small) + " | " + pct(le->moe_block) +
           " | " + diff(le->target_efficiency) + " | " + std::to_string(le->layer.count) +
           (le->skipped ? " (" + std::to_string(le->skipped) + " outside the tables)" : "") +
           " |\n";
    }
  }
  bool any_direct = false;
  for (const auto& r : reports) any_direct = any_direct || r.direct_kernel.layer.count > 0;
  if (any_direct) {
    s += "\nWhole layers timed on the GPU (profiler decode_layer / moe_block; CUDA graph replay). "
         "Errors: median | p90. \"own tables summed\" prices moesim's operator list from the "
         "GPU's own operator tables (top-k, permutation, RoPE and KV write have none and count 0): what "
         "those tables leave out of a real layer.\n\n| GPU left out | "
         "model | layer median | p90 | layer batch 1-8 median | p90 | MoE block median | p90 | "
         "layers | median predicted / measured |\n|---|---|---|---|---|---|---|---|---|---|\n";
    for (const auto& r : reports) {
      if (r.direct_kernel.layer.count == 0) continue;
      const auto row = [&](const char* name, const DirectLayerErrors& d) {
        s += "| " + r.label + " | " + name + " | " + pct(d.layer) + " | " + pct(d.small) + " | " +
             pct(d.block) + " | " + std::to_string(d.layer.count) + " | " +
             ratio(d.ratio) + " |\n";
      };
      row("kernel (left out)", r.direct_kernel);
      row("catalog roofline", r.direct_roofline);
      if (r.direct_tables.layer.count > 0) row("own tables summed", r.direct_tables);
    }
  }
  s += "\nPer operator family (kernel model, left out): median | p90\n\n";
  s += "| GPU left out | family | rows | median | p90 |\n|---|---|---|---|---|\n";
  for (const auto& r : reports) {
    for (const auto& [name, e] : r.ops) {
      s += "| " + r.label + " | " + name + " | " + std::to_string(e.count) + " | " + pct(e) +
           " |\n";
    }
  }
  return s;
}

}  // namespace moesim
