#include "fidelity/collective_fidelity.hpp"

#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "models/collective_model.hpp"
#include "models/comm_efficiency_link_class.hpp"

namespace moesim {

const char* collective_size_band(double bytes) {
  if (bytes < 65536) return "< 64 KiB";
  if (bytes <= 16777216) return "64 KiB - 16 MiB";
  return "> 16 MiB";
}

namespace {

double rel_error(double model, double measured) { return std::abs(model - measured) / measured; }

Op op_of(const CollectiveSample& s) { return collective_op(s.collective, s.message, s.row.group); }

// Op order in the report: as the profiler writes them.
int op_rank(const std::string& op) {
  static const std::vector<std::string> order{"all_reduce", "all_gather", "reduce_scatter",
                                              "all_to_all", "all_to_all_skewed"};
  for (std::size_t i = 0; i < order.size(); ++i) {
    if (order[i] == op) return int(i);
  }
  return int(order.size());
}

int band_rank(const std::string& b) {
  return b == "< 64 KiB" ? 0 : b == "64 KiB - 16 MiB" ? 1 : 2;
}

}  // namespace

CollectiveFidelity collective_fidelity(const std::vector<CollectiveRow>& rows,
                                       const std::string& source, const Hardware& hw,
                                       const MeasuredCurveOptions& options) {
  CollectiveFidelity r;
  r.source = source;
  r.hardware = hw.name;
  r.backend = options.backend;
  const auto samples = collective_samples(rows, hw, options.devices_per_node, options.backend);
  for (const auto& row : rows) {
    if (row.backend == options.backend && row.group < 2) ++r.group_one;
  }
  r.used = samples.size();
  r.other = rows.size() - r.used - r.group_one;
  if (samples.empty()) {
    throw InputError(source + ": no " + options.backend + " rows with group >= 2 to compare");
  }
  const LinkCollectiveModel constant(hw, options.devices_per_node,
                                     std::make_shared<ConstantEfficiency>(hw.efficiency.communication));
  // The preset's link classes (absent: the column repeats the constant model's errors).
  const bool has_classes = !hw.scale_up.figures.name.empty() && !hw.scale_out.figures.name.empty();
  const LinkCollectiveModel link_class(
      hw, options.devices_per_node,
      has_classes ? std::shared_ptr<const CommunicationEfficiency>(
                        std::make_shared<LinkClassEfficiency>(hw, false))
                  : std::make_shared<ConstantEfficiency>(hw.efficiency.communication));
  r.fit = fit_efficiency(samples, options.fit);
  const LinkCollectiveModel in_sample(hw, options.devices_per_node,
                                      curve_of_fit(r.fit, options.overhead_scale));
  // Leave one size out: fit without every row of that `bytes`, price those rows.
  std::vector<double> held(samples.size(), 0.0);
  std::set<double> sizes;
  for (const auto& s : samples) sizes.insert(s.row.bytes);
  for (double size : sizes) {
    std::vector<CollectiveSample> train;
    for (const auto& s : samples) {
      if (s.row.bytes != size) train.push_back(s);
    }
    if (train.empty()) continue;
    const LinkCollectiveModel model(
        hw, options.devices_per_node,
        curve_of_fit(fit_efficiency(train, options.fit), options.overhead_scale));
    for (std::size_t i = 0; i < samples.size(); ++i) {
      if (samples[i].row.bytes == size) held[i] = model.time(op_of(samples[i])).value();
    }
  }
  struct Errors {
    std::vector<double> constant, link_class, held_out, in_sample;
  };
  std::map<std::pair<std::string, std::string>, Errors> groups;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const auto& s = samples[i];
    const double t = s.row.time_s;
    const Op op = op_of(s);
    const double e_const = rel_error(constant.time(op).value(), t);
    const double e_link = rel_error(link_class.time(op).value(), t);
    const double e_held = held[i] > 0 ? rel_error(held[i], t) : std::nan("");
    const double e_in = rel_error(in_sample.time(op).value(), t);
    for (const auto& key : {std::make_pair(s.row.op, std::string(collective_size_band(s.row.bytes))),
                            std::make_pair(s.row.op, std::string("all")),
                            std::make_pair(std::string("all"), std::string("all"))}) {
      auto& g = groups[key];
      g.constant.push_back(e_const);
      g.link_class.push_back(e_link);
      if (!std::isnan(e_held)) g.held_out.push_back(e_held);
      g.in_sample.push_back(e_in);
    }
  }
  for (auto& [key, g] : groups) {
    r.rows.push_back({key.first, key.second, error_stats(g.constant), error_stats(g.link_class),
                      error_stats(g.held_out), error_stats(g.in_sample)});
  }
  std::stable_sort(r.rows.begin(), r.rows.end(), [](const auto& a, const auto& b) {
    const auto ka = std::make_pair(a.op == "all" ? 99 : op_rank(a.op),
                                   a.band == "all" ? 9 : band_rank(a.band));
    const auto kb = std::make_pair(b.op == "all" ? 99 : op_rank(b.op),
                                   b.band == "all" ? 9 : band_rank(b.band));
    return ka < kb;
  });
  return r;
}

std::string collective_fidelity_markdown(const CollectiveFidelity& r) {
  std::array<char, 512> buf{};
  std::snprintf(buf.data(), buf.size(),
                "collective fidelity: %s, backend %s, hardware '%s'; %zu rows with group >= 2 "
                "(%zu group-1 rows left out: no call is made for one device; %zu rows of other "
                "backends or ops)\n\n",
                r.source.c_str(), r.backend.c_str(), r.hardware.c_str(), r.used, r.group_one,
                r.other);
  std::string out = buf.data();
  out +=
      "| collective | bytes band | rows | constant median | p90 | link_class median | p90 | "
      "calibrated held-out median | p90 | calibrated in-sample median | p90 |\n"
      "|---|---|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& x : r.rows) {
    std::snprintf(buf.data(), buf.size(),
                  "| %s | %s | %zu | %.1f%% | %.1f%% | %.1f%% | %.1f%% | %.1f%% | %.1f%% | %.1f%% | "
                  "%.1f%% |\n",
                  x.op.c_str(), x.band.c_str(), x.constant.count, 100 * x.constant.median,
                  100 * x.constant.p90, 100 * x.link_class.median, 100 * x.link_class.p90,
                  100 * x.held_out.median, 100 * x.held_out.p90,
                  100 * x.in_sample.median, 100 * x.in_sample.p90);
    out += buf.data();
  }
  out +=
      "\nconstant: efficiency.communication of the preset, no overhead. link_class: the preset's "
      "link classes (models/catalog/links), library figures (NCCL; no custom all-reduce). "
      "calibrated held-out: "
      "leave-one-size-out (every row of one bytes value held out, the curve fitted on the other "
      "sizes). in-sample: fitted on every row.\n\nfitted on every row (overhead per call; eta "
      "at each message size S = Op::message):\n";
  for (const auto& [c, curve] : r.fit.curves) {
    out += std::string("- ") + collective_name(c) + ": overhead " +
           format_quantity(r.fit.overheads.at(c).value(), Dimension::kTime) + "; eta";
    for (std::size_t i = 0; i < curve.sizes.size(); ++i) {
      std::snprintf(buf.data(), buf.size(), " %s %.3f%s",
                    format_quantity(curve.sizes[i], Dimension::kBytes).c_str(), curve.eta[i],
                    i + 1 < curve.sizes.size() ? "," : "\n");
      out += buf.data();
    }
  }
  return out;
}

}  // namespace moesim
