// Error tables of the roofline (catalog and calibrated) and of the link collective model against
// Vidur's measurements (declared in vidur_profile.hpp).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "models/collective_model.hpp"
#include "models/comm_efficiency_link_class.hpp"
#include "models/cost_model.hpp"
#include "models/errors.hpp"
#include "fidelity/vidur_profile.hpp"

namespace moesim {
namespace {

// One priced measurement.
struct Priced {
  std::string family, column;
  double measured = 0, roofline = 0, calibrated = 0;
};

double median_of(std::vector<double> v) { return error_stats(std::move(v)).median; }

VidurErrors errors_of(const std::string& label, const std::vector<const Priced*>& ps,
                      bool calibrated) {
  std::vector<double> er, ec, rr, rc;
  for (const Priced* p : ps) {
    er.push_back(std::abs(p->roofline - p->measured) / p->measured);
    rr.push_back(p->roofline / p->measured);
    if (calibrated) {
      ec.push_back(std::abs(p->calibrated - p->measured) / p->measured);
      rc.push_back(p->calibrated / p->measured);
    }
  }
  VidurErrors e;
  e.label = label;
  e.roofline = error_stats(er);
  e.roofline_ratio = median_of(rr);
  e.calibrated = error_stats(ec);
  e.calibrated_ratio = calibrated ? median_of(rc) : 0.0;
  return e;
}

template <class Keep>
std::vector<const Priced*> select(const std::vector<Priced>& all, Keep keep) {
  std::vector<const Priced*> out;
  for (const auto& p : all)
    if (keep(p)) out.push_back(&p);
  return out;
}

std::vector<VidurErrors> by_family(const std::vector<Priced>& ps, bool calibrated) {
  std::vector<VidurErrors> out;
  for (const char* f : {"gemm", "elementwise"}) {
    auto mine = select(ps, [&](const Priced& p) { return p.family == f; });
    if (!mine.empty()) out.push_back(errors_of(f, mine, calibrated));
  }
  out.push_back(errors_of("overall", select(ps, [](const Priced&) { return true; }), calibrated));
  return out;
}

std::string percent(double x) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f%%", 100 * x);
  return b;
}

std::string ratio(double x) {
  char b[32];
  std::snprintf(b, sizeof b, "%.2f", x);
  return b;
}

std::string duration(double s) {
  char b[32];
  if (s < 1e-3)
    std::snprintf(b, sizeof b, "%.0f us", s * 1e6);
  else
    std::snprintf(b, sizeof b, "%.2f ms", s * 1e3);
  return b;
}

std::string error_cells(const VidurErrors& e, bool calibrated) {
  std::string s = percent(e.roofline.median) + " | " + percent(e.roofline.p90) + " | " +
                  ratio(e.roofline_ratio) + " | ";
  if (calibrated)
    s += percent(e.calibrated.median) + " | " + percent(e.calibrated.p90) + " | " +
         ratio(e.calibrated_ratio) + " |";
  else
    s += "- | - | - |";
  return s;
}

const char* kErrorHeader =
    "roofline median | p90 | model/measured | calibrated median | p90 | model/measured |";

}  // namespace

Calibration calibration_on(const Calibration& c, const Hardware& target) {
  Calibration out = c;
  out.hardware = target;
  out.hardware.efficiency = c.hardware.efficiency;
  out.hardware.launch_overhead = c.hardware.launch_overhead;
  return out;
}

VidurComputeReport vidur_compute_report(const std::string& dir, const Hardware& hw,
                                        const Calibration* calibration,
                                        const VidurPresetLookup& preset) {
  namespace fs = std::filesystem;
  if (!fs::is_directory(dir)) throw InputError(dir + ": no such folder");
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file() && e.path().filename() == "mlp.csv") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  if (files.empty())
    throw InputError(dir + ": no mlp.csv under it (Vidur's compute/<gpu>/<org>/<model>/mlp.csv)");
  VidurComputeReport r;
  r.dir = dir;
  r.hardware = hw.name;
  r.calibrated = calibration != nullptr;
  std::vector<Priced> all;
  for (const auto& f : files) {
    const std::string name = f.parent_path().filename().string();
    std::optional<VidurModel> dims = find_vidur_model(name);
    std::string source = dims ? "table" : "csv";
    if (dims && !dims->preset.empty() && preset) {
      dims = vidur_model_from_preset(*dims, preset(dims->preset));
      source = "preset " + dims->preset;
    }
    const VidurCompute c = read_vidur_compute(f.string(), dims);
    std::vector<Priced> mine;
    std::vector<int> lines;
    for (const auto& s : c.samples) {
      Priced p;
      p.family = s.op.op_class == OpClass::kGemm ? "gemm" : "elementwise";
      p.column = s.column;
      p.measured = s.measured_s;
      p.roofline = roofline_time(s.op, hw).time.value();
      if (calibration) p.calibrated = calibrated_time(s.op, *calibration).time.value();
      mine.push_back(p);
      if (lines.empty() || lines.back() != s.line) lines.push_back(s.line);
    }
    VidurModelReport m;
    m.model = fs::relative(f.parent_path(), dir).generic_string();
    m.dims_source = source;
    m.rows = lines.size();
    m.families = by_family(mine, r.calibrated);
    r.models.push_back(std::move(m));
    all.insert(all.end(), mine.begin(), mine.end());
  }
  r.all = by_family(all, r.calibrated);
  std::vector<std::string> columns;
  for (const auto& p : all)
    if (std::find(columns.begin(), columns.end(), p.column) == columns.end())
      columns.push_back(p.column);
  for (const auto& c : columns)
    r.by_op.push_back(
        errors_of(c, select(all, [&](const Priced& p) { return p.column == c; }), r.calibrated));
  return r;
}

std::string vidur_compute_markdown(const VidurComputeReport& r) {
  std::string out =
      "External measurements (Vidur, microsoft/vidur data/profiling/compute): " + r.dir +
      ", priced on '" + r.hardware + "'" +
      (r.calibrated ? "; calibrated = roofline fitted to moesim's own tables" : "") +
      ". Errors are |model - measured| / measured over every converted op; "
      "model/measured is the median ratio.\n\n";
  out += "| model | dims | rows | family | ops | " + std::string(kErrorHeader) +
         "\n|---|---|---|---|---|---|---|---|---|---|---|\n";
  auto line = [&](const std::string& model, const std::string& dims, const std::string& rows,
                  const VidurErrors& e) {
    out += "| " + model + " | " + dims + " | " + rows + " | " + e.label + " | " +
           std::to_string(e.roofline.count) + " | " + error_cells(e, r.calibrated) + "\n";
  };
  std::size_t rows = 0;
  for (const auto& m : r.models) {
    rows += m.rows;
    for (const auto& e : m.families) line(m.model, m.dims_source, std::to_string(m.rows), e);
  }
  for (const auto& e : r.all) line("all models", "", std::to_string(rows), e);
  out += "\nPer Vidur op, all models:\n\n| op | ops | " + std::string(kErrorHeader) +
         "\n|---|---|---|---|---|---|---|---|\n";
  for (const auto& e : r.by_op)
    out += "| " + e.label + " | " + std::to_string(e.roofline.count) + " | " +
           error_cells(e, r.calibrated) + "\n";
  return out;
}

VidurNetworkReport vidur_network_report(const std::string& path, const Hardware& hw) {
  const auto rows = read_vidur_all_reduce(path);
  VidurNetworkReport r;
  r.path = path;
  r.hardware = hw.name;
  struct Point {
    std::string group;
    int band;
    double measured, model;
  };
  std::vector<Point> points;
  std::vector<std::string> groups;
  // Vidur times NCCL: the link_class model prices every call as the library's (no custom kernel).
  const std::shared_ptr<const CommunicationEfficiency> eff =
      hw.communication_efficiency.name == "link_class"
          ? std::make_shared<LinkClassEfficiency>(hw, false)
          : make_communication_efficiency(hw);
  r.model = hw.communication_efficiency.name;
  for (const auto& x : rows) {
    const Op op = collective_op(Collective::kAllReduce, Bytes(x.bytes), x.ranks);
    const double model = LinkCollectiveModel(hw, x.devices_per_node, eff).time(op).value();
    const std::string g =
        std::to_string(x.ranks) + " ranks, " + std::to_string(x.devices_per_node) + " per node";
    const int band = x.bytes < 65536.0 ? 0 : x.bytes <= 16.0 * 1048576.0 ? 1 : 2;
    points.push_back({g, band, x.time_s, model});
    if (std::find(groups.begin(), groups.end(), g) == groups.end()) groups.push_back(g);
  }
  std::sort(groups.begin(), groups.end(), [](const std::string& a, const std::string& b) {
    return std::make_pair(std::atoi(a.c_str()), a) < std::make_pair(std::atoi(b.c_str()), b);
  });
  groups.emplace_back("all");
  static const char* kBands[] = {"< 64 KiB", "64 KiB - 16 MiB", "> 16 MiB"};
  for (const auto& g : groups) {
    for (int b = 0; b < 3; ++b) {
      std::vector<double> err, rat;
      double lo = 1e300, hi = 0;
      for (const auto& p : points) {
        if (p.band != b || (g != "all" && p.group != g)) continue;
        err.push_back(std::abs(p.model - p.measured) / p.measured);
        rat.push_back(p.model / p.measured);
        lo = std::min(lo, p.measured);
        hi = std::max(hi, p.measured);
      }
      if (err.empty()) continue;
      r.bands.push_back({g, kBands[b], error_stats(err), median_of(rat), lo, hi});
    }
  }
  return r;
}

std::string vidur_network_markdown(const VidurNetworkReport& r) {
  std::string out = "External measurements (Vidur NCCL all-reduce): " + r.path +
                    "; model: LinkCollectiveModel over the '" + r.hardware +
                    "' preset's links, communication efficiency '" + r.model +
                    "' (link_class: the library's figures, no custom all-reduce).\n\n"
                    "| group | message | rows | measured | median error | p90 | model/measured |\n"
                    "|---|---|---|---|---|---|---|\n";
  for (const auto& b : r.bands)
    out += "| " + b.group + " | " + b.band + " | " + std::to_string(b.error.count) + " | " +
           duration(b.measured_min_s) + " - " + duration(b.measured_max_s) + " | " +
           percent(b.error.median) + " | " + percent(b.error.p90) + " | " + ratio(b.ratio) + " |\n";
  return out;
}

}  // namespace moesim
