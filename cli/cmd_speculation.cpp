// moesim speculation: the MoESD study in one command. For a target model, a deployment and a
// draft method, the analytic speedup S(B) and target efficiency T(B,1)/T(B,gamma+1) versus batch
// size for every gamma and alpha given (docs/equations.md, MoESD eq. 3), the batch range where
// speculation pays (S > 1), a Markdown table and two SVG plots.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "analysis/atomic_file.hpp"
#include "analysis/svg_plot.hpp"
#include "cli/args.hpp"
#include "cli/command_specs.hpp"
#include "cli/commands.hpp"
#include "models/acceptance_model.hpp"
#include "models/collective_model.hpp"
#include "models/errors.hpp"
#include "models/speculation_model.hpp"
#include "scenarios/catalog.hpp"

namespace moesim {
namespace {

// A comma-separated list of numbers, each in [lo, hi] (and whole when `whole`).
std::vector<double> numbers(const std::string& text, const char* flag, double lo, double hi,
                            bool whole) {
  std::vector<double> out;
  std::stringstream ss(text);
  for (std::string item; std::getline(ss, item, ',');) {
    char* end = nullptr;
    const double v = std::strtod(item.c_str(), &end);
    if (item.empty() || *end != '\0' || !std::isfinite(v)) {
      throw UsageError(std::string("--") + flag + ": expected numbers separated by commas, got '" +
                       text + "'");
    }
    if (v < lo || v > hi || (whole && v != std::floor(v))) {
      char range[96];
      std::snprintf(range, sizeof range, "%s in [%.10g, %.10g]",
                    whole ? "whole numbers" : "numbers",
                    lo, hi);
      throw UsageError(std::string("--") + flag + ": expected " + range + ", got '" + item + "'");
    }
    out.push_back(v);
  }
  if (out.empty()) {
    throw UsageError(std::string("--") + flag + ": expected numbers separated by commas, got '" +
                     text + "'");
  }
  return out;
}

}  // namespace

int cmd_speculation(int argc, char** argv) {
  const Args a(argc, argv, 2, command_spec("speculation"));
  for (const char* req : {"model", "hardware"}) {
    if (!a.has(req)) {
      throw UsageError(std::string("missing --") + req + "\n" + a.usage());
    }
  }
  const ModelArch model = load_model_preset(*a.get("model"));
  const Hardware hw = load_hardware_preset(*a.get("hardware"));
  Parallel par;
  par.tp = int(a.get_int_in("tp", 1));
  par.dp = int(a.get_int_in("dp", 1));
  par.ep = int(a.get_int_in("ep", 1));
  const std::string method_name = a.get_or("method", a.has("draft") ? "draft_model" : "mtp");
  // gamma as speculative.gamma in a scenario (0 would be no speculation to study); batch as
  // serving.max_num_seqs. A gamma below 1 used to index past the acceptance tables (SIGSEGV).
  const auto gammas = numbers(a.get_or("gamma", "2,3,4"), "gamma", 1, 64, true);
  const auto alphas = numbers(a.get_or("alpha", "0.6,0.8"), "alpha", 0, 1, false);
  const auto batches =
      numbers(a.get_or("batch", "1,2,4,8,16,32,64,128,256"), "batch", 1, 1 << 20, true);
  const long long context = a.get_int_in("context", 1024);
  // The output folder first, so that a bad --out fails before the study prints anything.
  if (auto out = a.get("out")) {
    std::error_code ec;
    std::filesystem::create_directories(*out, ec);
    if (ec) throw InputError("cannot create output folder " + *out + ": " + ec.message());
  }
  std::shared_ptr<const CostModel> cost = cost_models().create("roofline", {});
  std::shared_ptr<const RoutingModel> routing =
      routing_models().create(a.get_or("routing", "uniform"), {});
  auto coll = std::make_shared<LinkCollectiveModel>(hw, hw.scale_up.domain_size);
  const StepCostCalculator target(model, hw, par, cost, routing, coll);
  std::unique_ptr<StepCostCalculator> draft;
  if (a.has("draft")) {
    Parallel dp = par;
    dp.ep = 1;
    draft = std::make_unique<StepCostCalculator>(load_model_preset(*a.get("draft")), hw, dp, cost,
                                                 routing, coll);
  }
  const auto method = speculation_methods().create(method_name, {});
  std::printf("speculation study: %s on %s (tp %d dp %d ep %d), %s%s, context %lld\n\n",
              model.name.c_str(), hw.name.c_str(), par.tp, par.dp, par.ep, method_name.c_str(),
              a.has("draft") ? (" " + *a.get("draft")).c_str() : "", context);
  std::string table = "| gamma | alpha |";
  for (double b : batches) table += " B=" + std::to_string(int(b)) + " |";
  table += " pays (S>1) for B in |\n|---:|---:|";
  for (std::size_t i = 0; i < batches.size(); ++i) table += "---:|";
  table += "---|\n";
  svg::Plot speed{"Speculative decoding speedup, " + model.name, {"batch size", true, {}, {}},
                  {"speedup over plain decoding", false, {}, {}}, {}, {}, "front"};
  svg::Plot eff{"Target efficiency T(B,1)/T(B,gamma+1), " + model.name,
                {"batch size", true, {}, {}}, {"target efficiency", false, 0.0, 1.05}, {}, {}, "front"};
  std::vector<int> eff_done;
  for (double g : gammas) {
    svg::Series es{"gamma " + std::to_string(int(g)), {}, {}};
    for (double al : alphas) {
      ParamSet ap;
      ap.set("alpha", al);
      const auto acceptance = acceptance_models().create("iid", ap);
      char label[64];
      std::snprintf(label, sizeof label, "| %d | %.2f |", int(g), al);
      std::string row = label;
      svg::Series ss{"", {}, {}};
      std::snprintf(label, sizeof label, "gamma %d, alpha %.2f", int(g), al);
      ss.name = label;
      double lo = -1, hi = -1;
      for (double b : batches) {
        const auto r = analyse_speculation(target, *method, draft.get(), *acceptance,
                                           (long long)b, context, int(g));
        char cell[32];
        std::snprintf(cell, sizeof cell, " %.2f |", r.speedup);
        row += cell;
        ss.x.push_back(b);
        ss.y.push_back(r.speedup);
        if (es.x.size() < batches.size()) {
          es.x.push_back(b);
          es.y.push_back(r.target_efficiency);
        }
        if (r.speedup > 1.0) {
          if (lo < 0) lo = b;
          hi = b;
        }
      }
      row += lo < 0 ? " never |" : " " + std::to_string(int(lo)) + " .. " + std::to_string(int(hi)) + " |";
      table += row + "\n";
      speed.series.push_back(ss);
    }
    eff.series.push_back(es);
  }
  std::printf("speedup S(B) = tau * T(B,1) / (draft + T(B,gamma+1) + rejection):\n\n%s\n", table.c_str());
  std::printf("target efficiency T(B,1)/T(B,gamma+1) (independent of alpha):\n\n| gamma |");
  for (double b : batches) std::printf(" B=%d |", int(b));
  std::printf("\n|---:|");
  for (std::size_t i = 0; i < batches.size(); ++i) std::printf("---:|");
  std::printf("\n");
  for (const auto& es : eff.series) {
    std::printf("| %s |", es.name.substr(6).c_str());
    for (double v : es.y) std::printf(" %.3f |", v);
    std::printf("\n");
  }
  if (auto out = a.get("out")) {
    write_file_atomic(*out + "/speculation.md", table);
    svg::write_svg(*out + "/speedup.svg", svg::render_line_plot(speed));
    svg::write_svg(*out + "/target_efficiency.svg", svg::render_line_plot(eff));
    std::printf("\nwrote %s/speculation.md, speedup.svg, target_efficiency.svg\n", out->c_str());
  }
  return 0;
}

}  // namespace moesim
