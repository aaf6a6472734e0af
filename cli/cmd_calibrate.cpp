// moesim calibrate --profile DIR --hardware H [--out FILE]: fits the roofline's efficiency
// factors and launch overheads per operator class to measured tables (least squares in log
// time), prints the error before and after, and writes the fitted preset as a hardware file.
// moesim fidelity --profile DIR [--hardware H]: held-out error of the catalog roofline, the
// calibrated roofline and the profiled model, per operator family.
// moesim fidelity --vidur DIR --hardware H [--calibrate-with PROFILE] [--vidur-network DIR]:
// the same errors against Vidur's external measurements (fidelity/vidur_profile.hpp).
// moesim fidelity --collectives DIR [--hardware H] [--backend B] [--devices-per-node N]: the
// closed-form collective model (constant efficiency; measured curve, leave-one-size-out) against
// a measured collective table (fidelity/collective_fidelity.hpp).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "analysis/atomic_file.hpp"
#include "cli/args.hpp"
#include "cli/command_specs.hpp"
#include "cli/commands.hpp"
#include "cli/serving_replay.hpp"
#include "fidelity/calibration.hpp"
#include "fidelity/collective_fidelity.hpp"
#include "models/profile_table.hpp"
#include "fidelity/vidur_profile.hpp"
#include "scenarios/catalog.hpp"
#include "scenarios/embedded_files.hpp"

namespace moesim {
namespace {

std::string hardware_of(const Args& a, const ProfileTables& t) {
  if (auto h = a.get("hardware")) return *h;
  if (!t.metadata.hardware_preset.empty()) return t.metadata.hardware_preset;
  throw UsageError("missing --hardware (the tables' metadata names no preset)");
}

// The preset's catalog text with the efficiency block and launch overhead replaced.
std::string fitted_preset(const std::string& name, const Hardware& hw, const Calibration& c,
                          const std::string& profile) {
  std::stringstream in(catalog_text(*catalog_path(CatalogKind::kHardware, name)));
  std::ostringstream out;
  out << "# " << name << "-calibrated: the '" << name << "' preset with its efficiencies and launch\n"
      << "# overhead fitted by `moesim calibrate` to the measured tables in " << profile << ".\n";
  bool skipping = false;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("name:", 0) == 0) {
      out << "name: " << name << "-calibrated\n";
      continue;
    }
    if (line.rfind("efficiency:", 0) == 0) {
      skipping = true;
      const Efficiency& e = c.hardware.efficiency;
      char buf[1024];
      std::snprintf(buf, sizeof buf,
                    "efficiency:                  # fitted by moesim calibrate\n"
                    "  gemm_compute: %.4f\n  gemm_memory: %.4f\n"
                    "  grouped_gemm_compute: %.4f\n  grouped_gemm_memory: %.4f\n"
                    "  attention_compute: %.4f\n  attention_memory: %.4f\n"
                    "  elementwise_memory: %.4f\n  communication: %.4f\n",
                    e.gemm_compute, e.gemm_memory, e.grouped_gemm_compute, e.grouped_gemm_memory,
                    e.attention_compute, e.attention_memory, e.elementwise_memory, e.communication);
      out << buf;
      continue;
    }
    if (skipping && line.rfind("  ", 0) == 0) continue;
    skipping = false;
    if (line.rfind("launch_overhead:", 0) == 0) {
      char buf[128];
      std::snprintf(buf, sizeof buf, "launch_overhead: %.3fus       # fitted (GEMM class)\n",
                    c.hardware.launch_overhead.value() * 1e6);
      out << buf;
      continue;
    }
    out << line << "\n";
  }
  (void)hw;
  return out.str();
}

// fidelity against Vidur's tables: compute (--vidur), all-reduce (--vidur-network) or both.
int vidur_fidelity(const Args& a) {
  if (!a.has("hardware")) throw UsageError("fidelity --vidur/--vidur-network needs --hardware H");
  if (a.has("calibrate-with") && !a.has("vidur"))
    throw UsageError("--calibrate-with applies to --vidur (compute) only");
  const Hardware hw = load_hardware_preset(*a.get("hardware"));
  if (auto dir = a.get("vidur")) {
    std::optional<Calibration> cal;
    if (auto p = a.get("calibrate-with")) {
      const ProfileTables t = read_profile(*p);
      if (t.metadata.hardware_preset.empty())
        throw UsageError(*p + ": its metadata names no hardware preset to calibrate");
      cal = calibration_on(calibrate(t, load_hardware_preset(t.metadata.hardware_preset)), hw);
    }
    const auto preset = [](const std::string& n) { return load_model_preset(n); };
    const auto r = vidur_compute_report(*dir, hw, cal ? &*cal : nullptr, preset);
    std::printf("%s", vidur_compute_markdown(r).c_str());
    if (cal)
      std::printf(
          "\ncalibrated: fitted on %s (all rows), efficiencies and launch overheads carried to "
          "'%s'\n",
          a.get("calibrate-with")->c_str(), hw.name.c_str());
  }
  if (auto net = a.get("vidur-network")) {  // a folder with all_reduce.csv, or the file
    if (a.has("vidur")) std::printf("\n");
    std::filesystem::path file(*net);
    if (std::filesystem::is_directory(file)) file /= "all_reduce.csv";
    std::printf("%s", vidur_network_markdown(vidur_network_report(file.string(), hw)).c_str());
  }
  return 0;
}

// fidelity of the collective model against DIR/collective.csv (or the CSV itself).
int collective_fidelity_command(const Args& a) {
  std::filesystem::path file(*a.get("collectives"));
  const std::filesystem::path dir = std::filesystem::is_directory(file) ? file : file.parent_path();
  if (std::filesystem::is_directory(file)) file /= "collective.csv";
  if (!std::filesystem::exists(file)) throw UsageError(file.string() + ": no collective table");
  std::string preset = a.get_or("hardware", "");
  for (const char* meta : {"metadata_collective.json", "metadata.json"}) {
    if (preset.empty()) preset = read_profile_metadata((dir / meta).string()).hardware_preset;
  }
  if (preset.empty()) throw UsageError("missing --hardware (the table's metadata names no preset)");
  MeasuredCurveOptions o;
  o.backend = a.get_or("backend", "nccl");
  o.devices_per_node = int(a.get_int("devices-per-node", 8));
  const auto r = collective_fidelity(read_collective_table(file.string()), file.string(),
                                     load_hardware_preset(preset), o);
  std::printf("%s", collective_fidelity_markdown(r).c_str());
  return 0;
}

}  // namespace

int cmd_calibrate(int argc, char** argv) {
  const Args a(argc, argv, 2, command_spec("calibrate"));
  if (!a.has("profile")) throw UsageError(a.usage());
  const ProfileTables t = read_profile(*a.get("profile"));
  const std::string name = hardware_of(a, t);
  const Hardware hw = load_hardware_preset(name);
  const Calibration c = calibrate(t, hw);
  std::printf("calibration of '%s' to %s\n\n", name.c_str(), a.get("profile")->c_str());
  std::printf("%-14s %8s %9s %9s %12s %16s %16s\n", "class", "samples", "eta_comp", "eta_mem",
              "launch", "before med/p90", "after med/p90");
  for (const auto& f : c.classes) {
    char before[32], after[32];
    std::snprintf(before, sizeof before, "%.1f%% / %.1f%%", 100 * f.before.median, 100 * f.before.p90);
    std::snprintf(after, sizeof after, "%.1f%% / %.1f%%", 100 * f.after.median, 100 * f.after.p90);
    std::printf("%-14s %8zu %9.3f %9.3f %12s %16s %16s\n",
                std::string(op_class_name(f.op_class)).c_str(), f.samples, f.eta_compute,
                f.eta_memory, format_quantity(f.launch_overhead.value(), Dimension::kTime).c_str(), before,
                after);
  }
  const std::string out = a.get_or("out", name + "-calibrated.yaml");
  write_file_atomic(out, fitted_preset(name, hw, c, *a.get("profile")));
  std::printf("\nwrote %s (use it inline: hardware: {preset: %s, efficiency: ...} or copy it into "
              "models/catalog/hardware/)\n", out.c_str(), name.c_str());
  return 0;
}

int kernel_fidelity_command(const Args& a);  // cmd_kernel_fidelity.cpp

int cmd_fidelity(int argc, char** argv) {
  const Args a(argc, argv, 2, command_spec("fidelity"));
  if (a.has("leave-one-out") || a.has("fit-kernel")) return kernel_fidelity_command(a);
  if (a.has("serving")) return serving_fidelity_command(a);
  if (a.has("collectives")) return collective_fidelity_command(a);
  if (a.has("vidur") || a.has("vidur-network")) return vidur_fidelity(a);
  if (!a.has("profile")) throw UsageError(a.usage());
  const ProfileTables t = read_profile(*a.get("profile"));
  const Hardware hw = load_hardware_preset(hardware_of(a, t));
  std::printf("%s", fidelity_markdown(fidelity(t, hw)).c_str());
  return 0;
}

}  // namespace moesim
