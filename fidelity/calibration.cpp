#include "fidelity/calibration.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <tuple>

namespace moesim {
namespace {

constexpr double kEtaMin = 0.01, kEtaMax = 1.0, kLaunchMax = 1e-3;
constexpr std::array<OpClass, 4> kFitted = {OpClass::kGemm, OpClass::kGroupedGemm,
                                            OpClass::kAttention, OpClass::kElementwise};

void set_eta(Efficiency& e, OpClass c, double compute, double memory) {
  switch (c) {
    case OpClass::kGemm:
      e.gemm_compute = compute;
      e.gemm_memory = memory;
      break;
    case OpClass::kGroupedGemm:
      e.grouped_gemm_compute = compute;
      e.grouped_gemm_memory = memory;
      break;
    case OpClass::kAttention:
      e.attention_compute = compute;
      e.attention_memory = memory;
      break;
    case OpClass::kElementwise:
      e.elementwise_memory = memory;
      break;
    case OpClass::kCommunication:
      e.communication = memory;
      break;
  }
}

// The fit of one class: rates per sample precomputed, so the objective is cheap.
struct ClassProblem {
  std::vector<double> compute_s;  // F / peak (eta = 1)
  std::vector<double> memory_s;   // B / bandwidth (eta = 1)
  std::vector<double> log_measured;

  [[nodiscard]] double model(std::size_t i, double ec, double em, double launch) const {
    return std::max(compute_s[i] / ec, memory_s[i] / em) + launch;
  }
  // x = (ln eta_c, ln eta_m, launch seconds)
  [[nodiscard]] double objective(const std::array<double, 3>& x) const {
    const double ec = std::exp(x[0]), em = std::exp(x[1]);
    double s = 0;
    for (std::size_t i = 0; i < log_measured.size(); ++i) {
      const double d = std::log(std::max(1e-15, model(i, ec, em, x[2]))) - log_measured[i];
      s += d * d;
    }
    return s;
  }
};

std::array<double, 3> clamp(std::array<double, 3> x) {
  x[0] = std::clamp(x[0], std::log(kEtaMin), std::log(kEtaMax));
  x[1] = std::clamp(x[1], std::log(kEtaMin), std::log(kEtaMax));
  x[2] = std::clamp(x[2], 0.0, kLaunchMax);
  return x;
}

std::array<double, 3> fit(const ClassProblem& p, std::array<double, 3> start) {
  // Coarse grid, keeping the start when nothing beats it (unconstrained factors stay put).
  std::array<double, 3> best = clamp(start);
  double f = p.objective(best);
  constexpr int kGrid = 24;
  const double lo = std::log(kEtaMin), hi = std::log(kEtaMax);
  for (int i = 0; i < kGrid; ++i) {
    for (int j = 0; j < kGrid; ++j) {
      for (int l = 0; l <= 30; ++l) {
        const std::array<double, 3> x = {lo + (hi - lo) * i / (kGrid - 1),
                                         lo + (hi - lo) * j / (kGrid - 1), l * 1e-6};
        const double fx = p.objective(x);
        if (fx < f * (1 - 1e-12)) {
          f = fx;
          best = x;
        }
      }
    }
  }
  // Compass search from the best grid point.
  std::array<double, 3> step = {0.1, 0.1, 1e-6};
  const std::array<double, 3> tol = {1e-9, 1e-9, 1e-12};
  for (int iter = 0; iter < 100000; ++iter) {
    bool moved = false;
    for (std::size_t k = 0; k < 3 && !moved; ++k) {
      for (double dir : {1.0, -1.0}) {
        auto x = best;
        x[k] += dir * step[k];
        x = clamp(x);
        const double fx = p.objective(x);
        if (fx < f) {
          f = fx;
          best = x;
          moved = true;
          break;
        }
      }
    }
    if (moved) continue;
    for (auto& s : step) s *= 0.5;
    if (step[0] < tol[0] && step[1] < tol[1] && step[2] < tol[2]) break;
  }
  return best;
}

ErrorStats errors(const std::vector<const Sample*>& s, const std::function<double(const Op&)>& t) {
  std::vector<double> e;
  e.reserve(s.size());
  for (const Sample* x : s) e.push_back(std::abs(t(x->op) - x->measured_s) / x->measured_s);
  return error_stats(std::move(e));
}

// Held-out positions of a curve: odd, not last.
template <class Row, class Key, class Axis>
void split_rows(const std::vector<Row>& rows, Key key, Axis axis, std::vector<Row>& cal,
                std::vector<Row>& held) {
  std::vector<const Row*> order;
  order.reserve(rows.size());
  for (const auto& r : rows) order.push_back(&r);
  std::stable_sort(order.begin(), order.end(), [&](const Row* a, const Row* b) {
    return std::make_pair(key(*a), axis(*a)) < std::make_pair(key(*b), axis(*b));
  });
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j < order.size() && key(*order[j]) == key(*order[i])) ++j;
    for (std::size_t p = i; p < j; ++p) {
      const bool out = (p - i) % 2 == 1 && p + 1 < j;
      (out ? held : cal).push_back(*order[p]);
    }
    i = j;
  }
}

}  // namespace

ErrorStats error_stats(std::vector<double> e) {
  ErrorStats s;
  s.count = e.size();
  if (e.empty()) return s;
  std::sort(e.begin(), e.end());
  auto pct = [&](double p) {
    const double r = p * double(e.size() - 1);
    const auto lo = std::size_t(std::floor(r));
    const std::size_t hi = std::min(lo + 1, e.size() - 1);
    return e[lo] + (e[hi] - e[lo]) * (r - double(lo));
  };
  s.median = pct(0.5);
  s.p90 = pct(0.9);
  return s;
}

std::vector<Sample> table_samples(const ProfileTables& t) {
  std::vector<Sample> out;
  for (const auto& r : t.gemm) out.push_back({table_op(r), r.time_s, "gemm"});
  for (const auto& r : t.grouped) out.push_back({table_op(r), r.time_s, "grouped_gemm"});
  for (const auto& r : t.decode) out.push_back({table_op(r), r.time_s, "attention_decode"});
  for (const auto& r : t.prefill) out.push_back({table_op(r), r.time_s, "attention_prefill"});
  for (const auto& r : t.elementwise) out.push_back({table_op(r), r.time_s, "elementwise"});
  return out;
}

OpTime calibrated_time(const Op& op, const Calibration& c) {
  Hardware hw = c.hardware;
  auto it = c.launch.find(op.op_class);
  if (it != c.launch.end()) hw.launch_overhead = it->second;
  return roofline_time(op, hw);
}

Calibration calibrate(const std::vector<Sample>& samples, const Hardware& hw) {
  Calibration c;
  c.hardware = hw;
  std::vector<const Sample*> all;
  all.reserve(samples.size());
  for (const auto& s : samples) all.push_back(&s);
  for (OpClass cls : kFitted) {
    ClassProblem p;
    std::vector<const Sample*> mine;
    for (const auto& s : samples) {
      if (s.op.op_class != cls) continue;
      mine.push_back(&s);
      const double peak = hw.peak_for(s.op.dtype).value();
      p.compute_s.push_back(peak > 0 ? s.op.flops.value() / peak : 0.0);
      p.memory_s.push_back(s.op.bytes.value() / hw.memory_bandwidth.value());
      p.log_measured.push_back(std::log(s.measured_s));
    }
    if (mine.empty()) continue;
    const auto x = fit(p, {std::log(hw.efficiency.compute(cls)),
                           std::log(hw.efficiency.memory(cls)), hw.launch_overhead.value()});
    ClassFit f;
    f.op_class = cls;
    f.samples = mine.size();
    f.eta_compute = cls == OpClass::kElementwise ? hw.efficiency.compute(cls) : std::exp(x[0]);
    f.eta_memory = std::exp(x[1]);
    f.launch_overhead = Seconds(x[2]);
    set_eta(c.hardware.efficiency, cls, f.eta_compute, f.eta_memory);
    c.launch[cls] = f.launch_overhead;
    f.before = errors(mine, [&](const Op& op) { return roofline_time(op, hw).time.value(); });
    c.classes.push_back(f);
  }
  if (auto it = c.launch.find(OpClass::kGemm); it != c.launch.end())
    c.hardware.launch_overhead = it->second;
  for (auto& f : c.classes) {
    std::vector<const Sample*> mine;
    for (const auto* s : all)
      if (s->op.op_class == f.op_class) mine.push_back(s);
    f.after = errors(mine, [&](const Op& op) { return calibrated_time(op, c).time.value(); });
  }
  c.before = errors(all, [&](const Op& op) { return roofline_time(op, hw).time.value(); });
  c.after = errors(all, [&](const Op& op) { return calibrated_time(op, c).time.value(); });
  return c;
}

Calibration calibrate(const ProfileTables& t, const Hardware& hw) {
  return calibrate(table_samples(t), hw);
}

ProfileSplit split_profile(const ProfileTables& t) {
  ProfileSplit s;
  s.calibration.source = s.held_out.source = t.source;
  s.calibration.metadata = s.held_out.metadata = t.metadata;
  split_rows(
      t.gemm, [](const GemmRow& r) { return std::make_tuple(r.dtype, r.n, r.k); },
      [](const GemmRow& r) { return r.m; }, s.calibration.gemm, s.held_out.gemm);
  split_rows(
      t.grouped,
      [](const GroupedRow& r) {
        return std::make_tuple(r.hidden, r.inter, r.routing, r.experts_active);
      },
      [](const GroupedRow& r) { return r.tokens; }, s.calibration.grouped, s.held_out.grouped);
  split_rows(
      t.decode, [](const DecodeRow& r) { return std::make_tuple(r.config, r.q, r.batch); },
      [](const DecodeRow& r) { return r.context; }, s.calibration.decode, s.held_out.decode);
  split_rows(
      t.prefill, [](const PrefillRow& r) { return std::make_tuple(r.config, r.chunk); },
      [](const PrefillRow& r) { return r.context; }, s.calibration.prefill, s.held_out.prefill);
  split_rows(
      t.elementwise, [](const ElementwiseRow& r) { return r.kernel; },
      [](const ElementwiseRow& r) { return r.bytes; }, s.calibration.elementwise,
      s.held_out.elementwise);
  s.calibration.collective = t.collective;
  return s;
}

FidelityReport fidelity(const ProfileTables& t, const Hardware& hw) {
  FidelityReport r;
  ProfileSplit split = split_profile(t);
  std::erase_if(split.held_out.grouped, [](const GroupedRow& g) { return g.routing != "uniform"; });
  const auto cal_samples = table_samples(split.calibration);
  const auto held = table_samples(split.held_out);
  r.calibration_rows = cal_samples.size();
  r.held_out_rows = held.size();
  r.calibration = calibrate(cal_samples, hw);
  const ProfiledCostModel profiled(split.calibration, cost_models().create("roofline", {}),
                                   "uniform");
  std::vector<std::string> names;
  for (const auto& s : held)
    if (std::find(names.begin(), names.end(), s.family) == names.end()) names.push_back(s.family);
  auto stats = [&](const std::string& family) {
    std::vector<const Sample*> mine;
    for (const auto& s : held)
      if (family.empty() || s.family == family) mine.push_back(&s);
    FamilyFidelity f;
    f.family = family.empty() ? "overall" : family;
    f.roofline = errors(mine, [&](const Op& op) { return roofline_time(op, hw).time.value(); });
    f.calibrated =
        errors(mine, [&](const Op& op) { return calibrated_time(op, r.calibration).time.value(); });
    f.profiled = errors(mine, [&](const Op& op) { return profiled.time(op, hw).time.value(); });
    return f;
  };
  for (const auto& n : names) r.families.push_back(stats(n));
  profiled.reset_counters();
  r.overall = stats("");
  r.profiled = profiled.counters();
  return r;
}

std::string fidelity_markdown(const FidelityReport& r) {
  std::string out =
      "| family | held-out rows | roofline median | p90 | calibrated median | p90 | profiled "
      "median | p90 |\n|---|---|---|---|---|---|---|---|\n";
  std::array<char, 256> buf{};
  auto row = [&](const FamilyFidelity& f) {
    std::snprintf(buf.data(), buf.size(),
                  "| %s | %zu | %.1f%% | %.1f%% | %.1f%% | %.1f%% | %.1f%% | %.1f%% |\n",
                  f.family.c_str(), f.roofline.count, 100 * f.roofline.median, 100 * f.roofline.p90,
                  100 * f.calibrated.median, 100 * f.calibrated.p90, 100 * f.profiled.median,
                  100 * f.profiled.p90);
    out += buf.data();
  };
  for (const auto& f : r.families) row(f);
  row(r.overall);
  return out;
}

}  // namespace moesim
