// moesim fidelity --leave-one-out [--profiles DIR,...] [--vidur-compute DIR] [--check-set G,...]
// [--rows FILE]
// [--fit-kernel]: the kernel cost model, fitted without each GPU in turn, against that GPU's
// measurements (fidelity/kernel_fidelity.hpp). --fit-kernel prints the shipped constants instead:
// each family fitted on every dataset of its GPUs except the check set.
#include <cstdio>
#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "analysis/atomic_file.hpp"
#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "fidelity/calibration.hpp"
#include "models/errors.hpp"
#include "fidelity/kernel_fidelity.hpp"
#include "fidelity/vidur_profile.hpp"
#include "scenarios/catalog.hpp"

namespace moesim {
namespace {
namespace fs = std::filesystem;

// The GPU a preset names ("h100-sxm" -> "h100").
std::string gpu_of(const std::string& preset) { return preset.substr(0, preset.find('-')); }

std::vector<MeasuredLayer> measured_layers(const ProfileTables& t);

// The project's tables in `dir` (metadata names the preset).
KernelCheckData table_data(const std::string& dir, const std::set<std::string>& check_set) {
  auto tables = std::make_shared<ProfileTables>(read_profile(dir));
  if (tables->metadata.hardware_preset.empty())
    throw InputError(dir + "/metadata.json: no hardware_preset");
  KernelCheckData d;
  d.data.hw = load_hardware_preset(tables->metadata.hardware_preset);
  d.data.gpu = gpu_of(d.data.hw.name);
  d.data.label = d.data.hw.name + " (" + fs::path(dir).filename().string() + " tables)";
  d.data.check_only = check_set.count(d.data.gpu) > 0;
  // MLA decode/prefill rows time the profiler's SDPA emulation (a matmul fallback for the
  // 576-wide latent head), not a serving kernel: left out of fits and checks.
  ProfileTables gqa = *tables;
  const auto is_mla = [](const auto& r) { return r.config.kind == "mla"; };
  std::erase_if(gqa.decode, is_mla);
  std::erase_if(gqa.prefill, is_mla);
  d.data.samples = table_samples(gqa);
  d.layers = measured_layers(*tables);
  d.tables = std::move(tables);
  return d;
}

// The tables' whole layers (graph-timed rows), each with its catalog model.
std::vector<MeasuredLayer> measured_layers(const ProfileTables& t) {
  std::map<std::string, ModelArch> models;
  std::vector<MeasuredLayer> out;
  for (const LayerRow& r : t.layers) {
    if (!r.graph) continue;
    auto it = models.find(r.model);
    if (it == models.end()) it = models.emplace(r.model, load_model_preset(r.model)).first;
    out.push_back({it->second, r.moe_block, r.dense_ffn, int(r.batch), int(r.q), int(r.context),
                   r.time_s});
  }
  return out;
}

// Vidur's eager per-op times under `dir`/<gpu>/ for the GPUs it has (a100, h100).
std::vector<KernelCheckData> vidur_data(const std::string& dir,
                                        const std::set<std::string>& check_set) {
  static const std::map<std::string, std::string> presets = {{"a100", "a100"},
                                                             {"h100", "h100-sxm"}};
  std::vector<KernelCheckData> out;
  for (const auto& [folder, preset] : presets) {
    const fs::path root = fs::path(dir) / folder;
    std::error_code ec;
    if (!fs::is_directory(root, ec)) continue;
    std::vector<fs::path> files;
    for (const auto& e : fs::recursive_directory_iterator(root))
      if (e.is_regular_file() && e.path().filename() == "mlp.csv") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    KernelCheckData d;
    d.data.hw = load_hardware_preset(preset);
    d.data.gpu = folder;
    d.data.label = preset + " (Vidur, eager)";
    d.data.eager = true;
    d.data.check_only = check_set.count(folder) > 0;
    for (const auto& f : files) {
      const auto vc = read_vidur_compute(f.string(), find_vidur_model(f.parent_path().filename().string()));
      for (const auto& v : vc.samples)
        d.data.samples.push_back({v.op, v.measured_s, std::string(op_class_name(v.op.op_class))});
    }
    if (!d.data.samples.empty()) out.push_back(std::move(d));
  }
  return out;
}

// Every priced operator row of every left-out GPU: what the markdown's medians summarise.
std::string kernel_rows_csv(const std::vector<KernelGpuReport>& reports) {
  std::string out = "left_out,family,op,dtype,m,n,k,units,flops,bytes,measured_s,kernel_s,roofline_s\n";
  char buf[512];
  for (const auto& r : reports) {
    for (const auto& x : r.rows) {
      std::snprintf(buf, sizeof buf, "\"%s\",%s,%s,%s,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g\n",
                    r.label.c_str(), x.family.c_str(), x.op.name, std::string(dtype_name(x.op.dtype)).c_str(), x.op.m,
                    x.op.n, x.op.k, x.op.units, x.op.flops.value(), x.op.bytes.value(),
                    x.measured_s, x.kernel_s, x.roofline_s);
      out += buf;
    }
  }
  return out;
}

std::string family_line(const KernelFamily& f) {
  std::string s = "      family(\"" + f.name + "\", {";
  for (std::size_t i = 0; i < kKernelParams; ++i) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%s%.4g", i ? ", " : "", f.value[i]);
    s += buf;
  }
  char tiles[64];
  std::snprintf(tiles, sizeof tiles, "}, %g, %g,\n             \"", f.tile_m, f.tile_n);
  return s + tiles + f.source + "\"),\n";
}

}  // namespace

int kernel_fidelity_command(const Args& a) {
  const std::string src = MOESIM_SOURCE_DIR;
  const auto check = split_commas(a.get_or("check-set", "h200"));
  const std::set<std::string> check_set(check.begin(), check.end());
  std::vector<KernelCheckData> data;
  for (const auto& dir : split_commas(a.get_or(
           "profiles", src + "/models/profiles/h100-sxm," + src + "/models/profiles/h200")))
    data.push_back(table_data(dir, check_set));
  for (auto& d : vidur_data(a.get_or("vidur-compute", src + "/data/vidur/compute"), check_set))
    data.push_back(std::move(d));
  if (a.has("fit-kernel")) {
    std::map<std::string, std::vector<const KernelDataset*>> by_family;
    for (const auto& d : data)
      if (!d.data.check_only) by_family[d.data.hw.architecture].push_back(&d.data);
    for (const auto& [family, sets] : by_family) {
      std::string on;
      for (const auto* s : sets) on += (on.empty() ? "" : ", ") + s->label;
      KernelFamily f = fit_kernel_family(sets, kernel_fit_start(family));
      f.source = "fitted by moesim fidelity --fit-kernel on " + on;
      std::printf("%s", family_line(f).c_str());
    }
    return 0;
  }
  std::vector<ModelArch> models;
  for (const auto& name : split_commas(
           a.get_or("layer-models", "qwen1.5-moe-a2.7b,qwen2-57b-a14b,qwen2-0.5b")))
    models.push_back(load_model_preset(name));
  const auto reports = kernel_leave_one_out(data, models);
  if (const auto rows = a.get("rows")) write_file_atomic(*rows, kernel_rows_csv(reports));
  std::printf("%s", kernel_fidelity_markdown(reports).c_str());
  return 0;
}

}  // namespace moesim
