// moesim: discrete-event simulator of Mixture-of-Experts LLM inference.
#include <cstring>
#include <exception>
#include <iostream>
#include <string>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/interrupt.hpp"
#include "models/errors.hpp"
#include "scenarios/diagnostics.hpp"

namespace {

constexpr const char* kUsage =
    "usage: moesim <command> [options]\n"
    "\n"
    "commands:\n"
    "  run [SCENARIO.yaml] [--set path=value]... [--out DIR] [--baseline] [--no-check]\n"
    "      [--timeline FILE.perfetto-trace]\n"
    "                      simulate a scenario (default: the embedded scenarios/quickstart.yaml)\n"
    "  validate FILE [--set path=value]...   check a scenario, report every error\n"
    "  validation MANIFEST.yaml [--out DIR] [--only ID] [--quiet]\n"
    "                      published figures of the seed papers versus moesim's predictions\n"
    "  cost --model M --hardware H --batch B --q Q --context L [options]\n"
    "                      price one step operator by operator (see 'moesim cost --help')\n"
    "  describe models|hardware|plugins      list presets and plug-ins with their parameters\n"
    "  trace convert IN OUT | trace stats FILE\n"
    "                      convert traces to the native protobuf format, or summarise one\n"
    "  topology describe SCENARIO [--route A,B] [--dot FILE]\n"
    "                      the cluster graph: links, bisection bandwidth, routes\n"
    "  topology calibrate SCENARIO [--collective C] [--group N] [--bytes S]\n"
    "                      a collective by the closed form and as SimGrid flows\n"
    "  sweep FILE [--jobs N] [--out DIR] [--resume] [--shard i/N] [--set path=value]...\n"
    "      [--no-check] [--dry-run]\n"
    "                      run every point of a sweep file, N at a time, into results.csv\n"
    "  sweep --status DIR  per-shard progress of a sweep (done, failed, pending) from its journals\n"
    "  merge DIR... [--out DIR]               join sweep shards into one results.csv\n"
    "  compare DIR DIR... [--metrics KEY,...] [--out DIR]\n"
    "                      finished runs side by side, ratios to the first, overlaid CDFs\n"    "  select RESULTS.csv --objective KEY [--minimize] [--constraint EXPR]... [--top K]\n"
    "                      ranked table, removed-by counts, Pareto front and plot\n"
    "  speculation --model M --hardware H [--draft D | --method mtp] [--gamma 2,3,4]\n"
    "              [--alpha 0.6,0.8] [--batch 1,2,4,...] [--out DIR]\n"
    "                      speedup and target efficiency versus batch (the MoESD study)\n"
    "  calibrate --profile DIR --hardware H [--out FILE]\n"
    "                      fit the roofline's efficiencies to measured tables\n"
    "  fidelity --profile DIR [--hardware H] | --vidur DIR --hardware H [--calibrate-with DIR]\n"
    "                      error of each cost model against measured tables\n"
    "  fidelity --leave-one-out | --fit-kernel [--profiles DIR,...] [--rows FILE]\n"
    "                      the kernel cost model fitted without each GPU, checked on it\n"
    "  fidelity --serving DIR [--serving DIR]... [--engine NAME] [--set path=value]... [--fit-engine]\n"
    "                      replay measured serving runs; measured versus predicted latencies\n";

}  // namespace

int main(int argc, char** argv) {
  using namespace moesim;
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
    std::cout << kUsage;
    return argc < 2 ? 2 : 0;
  }
  const std::string cmd = argv[1];
  try {
    if (cmd == "run") return cmd_run(argc, argv);
    if (cmd == "validate") return cmd_validate(argc, argv);
    if (cmd == "validation") return cmd_validation(argc, argv);
    if (cmd == "cost") return cmd_cost(argc, argv);
    if (cmd == "describe") return cmd_describe(argc, argv);
    if (cmd == "trace") return cmd_trace(argc, argv);
    if (cmd == "topology") return cmd_topology(argc, argv);
    if (cmd == "sweep") return cmd_sweep(argc, argv);
    if (cmd == "merge") return cmd_merge(argc, argv);
    if (cmd == "select") return cmd_select(argc, argv);
    if (cmd == "speculation") return cmd_speculation(argc, argv);
    if (cmd == "calibrate") return cmd_calibrate(argc, argv);
    if (cmd == "fidelity") return cmd_fidelity(argc, argv);
    if (cmd == "compare") return cmd_compare(argc, argv);
    std::cerr << "moesim: unknown command '" << cmd << "'; "
              << suggestion_text(cmd, {"run", "validate", "validation", "cost", "describe", "trace", "topology",
                                    "sweep", "merge", "select", "speculation",
                                    "calibrate", "fidelity", "compare"}) << "\n"
              << kUsage;
    return 2;
  } catch (const Interrupted& e) {
    std::cerr << "moesim " << cmd << ": " << e.what() << "; temporary files removed\n";
    return 128 + e.signal();
  } catch (const ScenarioError& e) {
    std::cerr << e.diagnostics().text();
    std::cerr << e.diagnostics().size() << " error(s)\n";
    return 2;
  } catch (const UsageError& e) {
    std::cerr << "moesim " << cmd << ": " << e.what() << "\n";
    return 2;
  } catch (const ConfigError& e) {
    std::cerr << "moesim " << cmd << ": error: " << e.what() << "\n";
    return 2;
  } catch (const OutputError& e) {
    std::cerr << "moesim " << cmd << ": error: " << e.what() << "\n";
    return 74;  // EX_IOERR: the environment failed (a sweep re-runs the point on --resume)
  } catch (const InputError& e) {
    std::cerr << "moesim " << cmd << ": error: " << e.what() << "\n";
    return 2;
  } catch (const InvariantError& e) {
    std::cerr << "moesim " << cmd << ": " << e.what() << " (a simulator bug: please report it)\n";
    return 3;
  } catch (const std::exception& e) {
    std::cerr << "moesim " << cmd << ": internal error: " << e.what() << "\n";
    return 1;
  }
}
