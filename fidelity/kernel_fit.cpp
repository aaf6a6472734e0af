#include "fidelity/kernel_fit.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <string_view>

#include "models/cost_kernel.hpp"

namespace moesim {

double kernel_sample_time(const Sample& s, const KernelDataset& d, const KernelFamily& f) {
  double t = kernel_time(s.op, d.hw, f).time.value();
  if (d.eager) t += kernels_per_op(s.op) * f[KernelParam::kEagerExtra];
  return t;
}

bool kernel_fit_excludes(const Sample& s) { return s.measured_s < 1e-6; }

namespace {

struct Group {
  const KernelDataset* data;
  std::vector<const Sample*> rows;
  std::vector<double> log_measured;
};

struct Problem {
  std::vector<Group> groups;
  KernelFamily base;

  [[nodiscard]] KernelFamily at(const std::array<double, kKernelParams>& x) const {
    KernelFamily f = base;
    const auto& info = kernel_param_info();
    for (std::size_t i = 0; i < kKernelParams; ++i)
      f.value[i] = info[i].log_scale ? std::exp(x[i]) : x[i];
    return f;
  }
  [[nodiscard]] double objective(const std::array<double, kKernelParams>& x) const {
    const KernelFamily f = at(x);
    double total = 0;
    for (const auto& g : groups) {
      double s = 0;
      for (std::size_t i = 0; i < g.rows.size(); ++i) {
        const double d =
            std::log(std::max(1e-12, kernel_sample_time(*g.rows[i], *g.data, f))) -
            g.log_measured[i];
        s += d * d;
      }
      total += s / double(g.rows.size());
    }
    return groups.empty() ? 0.0 : total / double(groups.size());
  }
};

std::array<double, kKernelParams> clamp(std::array<double, kKernelParams> x) {
  const auto& info = kernel_param_info();
  for (std::size_t i = 0; i < kKernelParams; ++i) {
    const double lo = info[i].log_scale ? std::log(info[i].lo) : info[i].lo;
    const double hi = info[i].log_scale ? std::log(info[i].hi) : info[i].hi;
    x[i] = std::clamp(x[i], lo, hi);
  }
  return x;
}

}  // namespace

KernelFamily fit_kernel_family(const std::vector<const KernelDataset*>& data,
                               const KernelFamily& start) {
  Problem p;
  p.base = start;
  bool any_eager = false;
  for (const KernelDataset* d : data) {
    std::map<std::string, Group> by_family;
    for (const Sample& s : d->samples) {
      if (kernel_fit_excludes(s)) continue;
      Group& g = by_family[s.family];
      g.data = d;
      g.rows.push_back(&s);
      g.log_measured.push_back(std::log(s.measured_s));
    }
    for (auto& [name, g] : by_family) {
      // Groups above kMaxGroupRows rows are thinned to every k-th row (deterministic): the
      // mean squared log error of a group barely moves, and the fit stays seconds long.
      constexpr std::size_t kMaxGroupRows = 2000;
      if (g.rows.size() > kMaxGroupRows) {
        const std::size_t k = (g.rows.size() + kMaxGroupRows - 1) / kMaxGroupRows;
        Group thin;
        thin.data = g.data;
        for (std::size_t i = 0; i < g.rows.size(); i += k) {
          thin.rows.push_back(g.rows[i]);
          thin.log_measured.push_back(g.log_measured[i]);
        }
        g = std::move(thin);
      }
      p.groups.push_back(std::move(g));
    }
    any_eager = any_eager || d->eager;
  }
  const auto& info = kernel_param_info();
  std::array<double, kKernelParams> x{};
  for (std::size_t i = 0; i < kKernelParams; ++i)
    x[i] = info[i].log_scale ? std::log(start.value[i]) : start.value[i];
  x = clamp(x);
  double best = p.objective(x);
  std::array<double, kKernelParams> step{};
  for (std::size_t i = 0; i < kKernelParams; ++i) step[i] = info[i].log_scale ? 0.5 : 0.1;
  const auto eager = static_cast<std::size_t>(KernelParam::kEagerExtra);
  if (!any_eager) step[eager] = 0;  // unconstrained: keep the start value
  for (int iter = 0; iter < 4000; ++iter) {
    bool moved = false;
    for (std::size_t k = 0; k < kKernelParams; ++k) {
      if (step[k] == 0) continue;
      for (double dir : {1.0, -1.0}) {
        auto y = x;
        y[k] += dir * step[k];
        y = clamp(y);
        const double fy = p.objective(y);
        if (fy < best - 1e-12) {
          best = fy;
          x = y;
          moved = true;
          break;
        }
      }
    }
    if (moved) continue;
    double largest = 0;
    for (auto& s : step) {
      s *= 0.5;
      largest = std::max(largest, s);
    }
    if (largest < 1e-4) break;
  }
  KernelFamily f = p.at(x);
  f.name = start.name;
  return f;
}

}  // namespace moesim
