#include "models/comm_efficiency_fit.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "models/collective_model.hpp"

namespace moesim {

std::optional<Collective> collective_of_table_op(const std::string& op) {
  if (op == "all_reduce") return Collective::kAllReduce;
  if (op == "all_gather") return Collective::kAllGather;
  if (op == "reduce_scatter") return Collective::kReduceScatter;
  if (op == "all_to_all" || op == "all_to_all_skewed") return Collective::kAllToAll;
  return std::nullopt;
}

Bytes message_of_row(const CollectiveRow& row) {
  if (row.op == "all_to_all" && row.group > 1)
    return Bytes(row.bytes * double(row.group - 1) / row.group);
  return Bytes(row.bytes);
}

std::vector<CollectiveSample> collective_samples(const std::vector<CollectiveRow>& rows,
                                                 const Hardware& hw, int devices_per_node,
                                                 const std::string& backend) {
  // Terms are at eta = 1, so the efficiency plug-in of the model does not matter here.
  const LinkCollectiveModel link(hw, devices_per_node, std::make_shared<ConstantEfficiency>(1.0));
  std::vector<CollectiveSample> out;
  for (const auto& r : rows) {
    const auto c = collective_of_table_op(r.op);
    if (!c || r.backend != backend || r.group < 2) continue;
    CollectiveSample s;
    s.row = r;
    s.collective = *c;
    s.message = message_of_row(r);
    const auto t = link.terms(collective_op(*c, s.message, r.group));
    s.transfer = t.transfer;
    s.latency = t.latency;
    out.push_back(std::move(s));
  }
  return out;
}

namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// Least squares in ln time of eta for the rows of one size (stage 2).
double fit_eta(const std::vector<const CollectiveSample*>& rows,
               const std::map<Collective, Seconds>& overheads, double eta_min) {
  const auto cost = [&](double ln_eta) {
    const double eta = std::exp(ln_eta);
    double sum = 0;
    for (const auto* s : rows) {
      const double model =
          overheads.at(s->collective).value() + s->transfer.value() / eta + s->latency.value();
      const double d = std::log(model) - std::log(s->row.time_s);
      sum += d * d;
    }
    return sum;
  };
  const double lo = std::log(eta_min), hi = 0.0;
  constexpr int kGrid = 180;
  int best = kGrid;  // ties prefer the largest eta (rows whose transfer does not matter)
  double best_cost = cost(hi);
  for (int i = kGrid - 1; i >= 0; --i) {
    const double c = cost(lo + (hi - lo) * i / kGrid);
    if (c < best_cost - 1e-15) best_cost = c, best = i;
  }
  double a = lo + (hi - lo) * std::max(0, best - 1) / kGrid;
  double b = lo + (hi - lo) * std::min(kGrid, best + 1) / kGrid;
  const double g = (std::sqrt(5.0) - 1) / 2;
  for (int it = 0; it < 80 && b - a > 1e-12; ++it) {
    const double x1 = b - g * (b - a), x2 = a + g * (b - a);
    if (cost(x1) <= cost(x2)) {
      b = x2;
    } else {
      a = x1;
    }
  }
  const double x = 0.5 * (a + b);
  return std::clamp(cost(x) <= best_cost ? std::exp(x) : std::exp(lo + (hi - lo) * best / kGrid),
                    eta_min, 1.0);
}

EfficiencyCurve fit_curve(const std::vector<const CollectiveSample*>& rows,
                          const std::map<Collective, Seconds>& overheads, double eta_min) {
  std::map<double, std::vector<const CollectiveSample*>> by_size;
  for (const auto* s : rows) by_size[s->message.value()].push_back(s);
  EfficiencyCurve curve;
  for (const auto& [size, at] : by_size) {
    curve.sizes.push_back(size);
    curve.eta.push_back(fit_eta(at, overheads, eta_min));
  }
  return curve;
}

}  // namespace

EfficiencyFit fit_efficiency(const std::vector<CollectiveSample>& samples,
                             const EfficiencyFitOptions& options) {
  if (samples.empty()) throw InputError("no collective rows to fit (group >= 2, known op)");
  EfficiencyFit fit;
  std::map<Collective, std::vector<const CollectiveSample*>> by_kind;
  std::vector<const CollectiveSample*> all;
  for (const auto& s : samples) {
    by_kind[s.collective].push_back(&s);
    all.push_back(&s);
  }
  for (const auto& [c, rows] : by_kind) {
    std::vector<double> floor;
    for (const auto* s : rows) {
      if (s->message.value() <= options.overhead_max_bytes) {
        floor.push_back(std::max(0.0, s->row.time_s - s->latency.value() - s->transfer.value()));
      }
    }
    fit.overheads[c] = Seconds(floor.empty() ? 0.0 : median(floor));
  }
  for (const auto& [c, rows] : by_kind) {
    fit.curves[c] = fit_curve(rows, fit.overheads, options.eta_min);
  }
  fit.pooled = fit_curve(all, fit.overheads, options.eta_min);
  return fit;
}

std::unique_ptr<CurveEfficiency> curve_of_fit(const EfficiencyFit& fit, double overhead_scale) {
  std::map<Collective, Seconds> overheads;
  for (const auto& [c, o] : fit.overheads) overheads[c] = o * overhead_scale;
  return std::make_unique<CurveEfficiency>(fit.pooled, fit.curves, std::move(overheads));
}

std::unique_ptr<CurveEfficiency> measured_efficiency(const std::string& path, const Hardware& hw,
                                                     const MeasuredCurveOptions& options) {
  std::filesystem::path file(path);
  if (std::filesystem::is_directory(file)) file /= "collective.csv";
  if (!std::filesystem::exists(file)) throw InputError(file.string() + ": no such collective table");
  const auto samples = collective_samples(read_collective_table(file.string()), hw,
                                          options.devices_per_node, options.backend);
  if (samples.empty()) {
    throw InputError(file.string() + ": no " + options.backend +
                     " rows with group >= 2 to fit the communication efficiency");
  }
  return curve_of_fit(fit_efficiency(samples, options.fit), options.overhead_scale);
}

}  // namespace moesim
