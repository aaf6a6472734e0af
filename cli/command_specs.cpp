#include "cli/command_specs.hpp"

#include <stdexcept>

namespace moesim {
namespace {

constexpr long long kMaxParallel = 1LL << 16;  // deployment.tp / dp / ep in a scenario
constexpr long long kMaxBatch = 1LL << 20;     // serving.max_num_seqs
constexpr long long kMaxContext = 1LL << 30;   // serving.max_model_len

const Option kSet{.name = "set",
                  .value = "path=value",
                  .help = "override one scenario key, as if written in the file (e.g. "
                          "deployment.tp=2)",
                  .repeatable = true};

std::vector<CommandSpec> make_specs() {
  std::vector<CommandSpec> s;
  s.push_back(
      {.name = "run",
       .summary = "simulate a scenario (default: the embedded scenarios/quickstart.yaml)",
       .synopsis = {"run [SCENARIO] [--set path=value]... [--out DIR] [--baseline] [--no-check] "
                    "[--timeline FILE]"},
       .description = "Writes summary.json, requests.csv, steps.csv, scenario.resolved.yaml and "
                      "latency_cdf.svg into the output folder and prints the report.\n",
       .options = {kSet,
                   {.name = "out",
                    .value = "DIR",
                    .help = "output folder (default: the scenario's output.dir, else "
                            "results/<name>)"},
                   {.name = "baseline",
                    .help = "with speculation, also run the scenario without it and report the "
                            "speedup"},
                   {.name = "quiet",
                    .help = "print nothing but errors: no progress line, no report"},
                   {.name = "no-check", .help = "skip the invariant checks (on by default)"},
                   {.name = "check",
                    .help = "check invariants (the default; kept for older scripts)"},
                   {.name = "timeline",
                    .value = "FILE",
                    .help = "also write the simulated timeline for ui.perfetto.dev "
                            "(FILE.perfetto-trace)"}}});
  s.push_back({.name = "validate",
               .summary = "check a scenario and report every error at once",
               .synopsis = {"validate FILE [--set path=value]..."},
               .options = {kSet}});
  s.push_back(
      {.name = "validation",
       .summary = "the seed papers' published figures versus moesim's predictions",
       .synopsis = {"validation MANIFEST.yaml [--out DIR] [--only ID] [--set path=value]... [--quiet]"},
       .description = "MANIFEST: scenarios/validation/figures.yaml, or one written like it. --set "
                      "applies to every figure's run, after the figure's own overrides (a what-if "
                      "over the whole table, e.g. serving.cost_model=kernel).\n",
       .options = {kSet,
                   {.name = "out",
                    .value = "DIR",
                    .help = "write validation.md and validation.csv there and keep runs/<id>"},
                   {.name = "only", .value = "ID", .help = "run only the figure with this id"},
                   {.name = "quiet", .help = "no progress lines"}}});
  s.push_back(
      {.name = "cost",
       .summary = "price one step operator by operator, with the speculation analysis",
       .synopsis = {"cost --model M --hardware H [--batch B] [--q Q] [--context L] [options]"},
       .description =
           "Prices one step of B sequences with Q new tokens each over L tokens of context; the "
           "dtype column is each operator's compute (or payload) format (models/README.md, "
           "\"Precision\").\n",
       .options =
           {{.name = "model",
             .value = "M",
             .help = "model preset (moesim describe models); required"},
            {.name = "hardware",
             .value = "H",
             .help = "hardware preset (moesim describe hardware); required"},
            {.name = "tp", .value = "N", .help = "tensor-parallel size (default 1)", .min = 1,
             .max = kMaxParallel},
            {.name = "dp", .value = "N", .help = "data-parallel size (default 1)", .min = 1,
             .max = kMaxParallel},
            {.name = "ep", .value = "N", .help = "expert-parallel size (default 1)", .min = 1,
             .max = kMaxParallel},
            {.name = "devices-per-node",
             .value = "N",
             .help = "devices in one scale-up domain (default: the preset's)",
             .min = 1,
             .max = kMaxParallel},
            {.name = "batch", .value = "B", .help = "sequences in the step (default 1)", .min = 1,
             .max = kMaxBatch},
            {.name = "q",
             .value = "Q",
             .help = "new tokens per sequence (default 1); batch x q at most 2^30",
             .min = 1,
             .max = kMaxBatch},
            {.name = "context",
             .value = "L",
             .help = "tokens of context per sequence (default 1024)",
             .min = 0,
             .max = kMaxContext},
            {.name = "cost-model",
             .value = "NAME",
             .help = "cost model plug-in (default roofline, or profiled with --profile)"},
            {.name = "profile",
             .value = "DIR",
             .help = "measured tables for the profiled cost model"},
            {.name = "routing",
             .value = "NAME[:v|:k=v,...]",
             .help = "routing model and its parameters (default uniform; e.g. skewed:1.2)"},
            {.name = "comm-efficiency",
             .value = "NAME[:v|:k=v,...]",
             .help = "as hardware.communication_efficiency (e.g. measured:nvidia-h200-x2)"},
            {.name = "precision",
             .value = "SCHEME[,FIELD=DTYPE...]",
             .help = "as model.precision (e.g. w4a16,kv_cache=int8)"},
            {.name = "gamma",
             .value = "G",
             .help = "draft length; 0 prices no speculation (default 0)",
             .min = 0,
             .max = 64},
            {.name = "alpha",
             .value = "A",
             .help = "per-token acceptance rate of the iid acceptance model (default 0.8)"},
            {.name = "draft", .value = "M", .help = "draft model preset (method draft_model)"},
            {.name = "spec-method",
             .value = "NAME",
             .help = "speculative method without a draft model: mtp, eagle or ngram"},
            {.name = "json", .help = "print one JSON object instead of the table"}}});
  s.push_back({.name = "describe",
               .summary = "list model and hardware presets, and plug-ins with their parameters",
               .synopsis = {"describe models|hardware|plugins"}});
  s.push_back(
      {.name = "trace",
       .summary = "convert a trace to the native protobuf format, or summarise one",
       .synopsis = {"trace convert IN OUT [--format F]", "trace stats FILE [--format F]"},
       .description = "Formats: azure (.csv), mooncake (.jsonl), protobuf (.pb, .moesimtrace).\n",
       .options = {{.name = "format",
                    .value = "F",
                    .help = "the input's format (default: told by its extension)"}}});
  s.push_back(
      {.name = "topology",
       .summary = "the cluster graph (links, bisection bandwidth, routes) or one collective on it",
       .synopsis = {"topology describe SCENARIO [--route A,B] [--dot FILE]",
                    "topology calibrate SCENARIO [--collective "
                    "all_to_all|all_reduce|all_gather] [--group N] [--bytes S]"},
       .options = {kSet,
                   {.name = "route",
                    .value = "A,B",
                    .help = "describe: the route between two devices, hop by hop"},
                   {.name = "dot", .value = "FILE", .help = "describe: also write a Graphviz file"},
                   {.name = "collective",
                    .value = "C",
                    .help = "calibrate: all_to_all, all_reduce, all_gather or reduce_scatter"},
                   {.name = "group",
                    .value = "N",
                    .help = "calibrate: devices in the collective (default: all)"},
                   {.name = "bytes",
                    .value = "S",
                    .help = "calibrate: message size with its unit (e.g. 64MiB)"}}});
  s.push_back(
      {.name = "capacity",
       .summary = "the highest load (rate or concurrency) whose requests meet the SLOs",
       .synopsis = {"capacity SCENARIO --slo EXPR [--slo EXPR]... [--attainment 0.99] "
                    "[--over rate|concurrency] [--low X] [--high X] [--tolerance 0.02] "
                    "[--max-runs N] [--set path=value]... [--out DIR] [--quiet]"},
       .description =
           "EXPR: a comparison in the sweep files' expression language over ttft, tpot, e2e "
           "(requests.csv's columns), each bounded from above by a time with its unit, joined "
           "by && and ||, e.g. 'ttft<=2s' or 'ttft<=1s && tpot<=50ms'. Each probe is one `moesim run` with the scenario's seed and the "
           "workload's rate (poisson, gamma) or concurrency (closed_loop) set to the probed "
           "load. Exit status 1 when the lowest load already misses.\n",
       .options = {{.name = "slo",
                    .value = "EXPR",
                    .help = "a per-request objective, e.g. ttft<=2s, tpot<=50ms, e2e<=30s "
                            "(a request must meet all); required",
                    .repeatable = true},
                   {.name = "attainment",
                    .value = "SHARE",
                    .help = "a load passes when this share of its requests meets every "
                            "objective, in (0, 1] (default 0.99)"},
                   {.name = "over",
                    .value = "rate|concurrency",
                    .help = "what to search (default: the workload source's: rate for poisson "
                            "and gamma, concurrency for closed_loop)"},
                   {.name = "low",
                    .value = "X",
                    .help = "the lowest load probed (default: the scenario's, halved until one "
                            "passes)"},
                   {.name = "high",
                    .value = "X",
                    .help = "the highest load probed (default: doubling from the lowest until "
                            "one fails)"},
                   {.name = "tolerance",
                    .value = "R",
                    .help = "stop when the bracket is narrower than R x its top (default 0.02)"},
                   {.name = "max-runs",
                    .value = "N",
                    .help = "probes at most (default 20)",
                    .min = 1,
                    .max = 1000},
                   kSet,
                   {.name = "out",
                    .value = "DIR",
                    .help = "write capacity.json and capacity.md there and keep the run at the "
                            "capacity in DIR/run"},
                   {.name = "quiet", .help = "no progress lines"}}});
  s.push_back(
      {.name = "sweep",
       .summary = "run every point of a sweep file, N at a time, into results.csv",
       .synopsis = {"sweep FILE [--jobs N] [--out DIR] [--resume] [--shard i/N] "
                    "[--set path=value]... [--quiet] [--no-check] [--dry-run]",
                    "sweep --status DIR"},
       .description = "The sweep file format: docs/sweep-files.md.\n",
       .options = {{.name = "jobs",
                    .value = "N",
                    .help = "points run at once, 1 to 256 (default: the number of cores)"},
                   {.name = "out",
                    .value = "DIR",
                    .help = "output folder (default results/<name>-sweep)"},
                   {.name = "resume",
                    .help = "finish the sweep in --out: run the points its journal lacks"},
                   {.name = "shard",
                    .value = "i/N",
                    .help = "run only the points whose index is i modulo N"},
                   kSet,
                   {.name = "quiet", .help = "no progress line on a terminal"},
                   {.name = "no-check", .help = "skip the invariant checks (on by default)"},
                   {.name = "dry-run",
                    .help = "check the sweep file and count its points (to run, filtered, "
                            "invalid); run and write nothing"},
                   {.name = "status",
                    .value = "DIR",
                    .help = "per-shard progress of the sweep in DIR and the folders under it "
                            "(done, failed, pending) from their journals"}}});
  s.push_back({.name = "merge",
               .summary = "join sweep shards into one results.csv",
               .synopsis = {"merge DIR... [--out DIR]"},
               .options = {{.name = "out",
                            .value = "DIR",
                            .help = "folder of the merged journal and results.csv"},
                           {.name = "quiet", .help = "no notes on skipped journal lines"}}});
  s.push_back(
      {.name = "compare",
       .summary = "finished runs side by side, ratios to the first, overlaid CDFs",
       .synopsis = {"compare DIR DIR... [--metrics KEY,...] [--out DIR]"},
       .description = "DIR: a finished run's output folder (summary.json; requests.csv for the "
                      "CDFs).\n",
       .options = {{.name = "metrics",
                    .value = "KEY,...",
                    .help = "summary.json keys to compare (default: the headline metrics)"},
                   {.name = "out",
                    .value = "DIR",
                    .help = "also write compare.md, compare.csv and the CDF plots there"}}});
  s.push_back(
      {.name = "select",
       .summary = "rank a sweep's points: removed-by counts, Pareto front and plot",
       .synopsis = {"select RESULTS.csv --objective KEY [--minimize] "
                    "[--constraint \"tpot_s.p90<=50ms\"]... [--top K] [--x EXPR [--x-minimize]] "
                    "[--y EXPR [--y-minimize]] [--out DIR]"},
       .options = {{.name = "objective", .value = "KEY", .help = "column to rank by; required"},
                   {.name = "minimize", .help = "rank lowest first (default: highest first)"},
                   {.name = "constraint",
                    .value = "EXPR",
                    .help = "a condition every kept point meets, in the sweep files' expression "
                            "language: units, && || and parentheses, e.g. \"tpot_s.p90<=50ms || "
                            "ttft_s.p90<1s\"; fits_memory; repeated: all must hold",
                    .repeatable = true},
                   {.name = "top", .value = "K", .help = "rows shown (default 10)"},
                   {.name = "x",
                    .value = "EXPR",
                    .help = "the Pareto chart's x axis: a column or arithmetic over columns "
                            "(default 1/tpot_s.mean, tokens/s per user); higher is better"},
                   {.name = "x-minimize", .help = "lower is better on the x axis"},
                   {.name = "y",
                    .value = "EXPR",
                    .help = "the y axis (default throughput_output_tokens_per_s_per_device); "
                            "higher is better"},
                   {.name = "y-minimize", .help = "lower is better on the y axis"},
                   {.name = "out",
                    .value = "DIR",
                    .help = "also write selection.md, selection.csv and pareto.svg there"}}});
  s.push_back(
      {.name = "report",
       .summary = "one self-contained HTML page of a run folder or a sweep folder",
       .synopsis = {"report DIR [--out FILE.html] [--objective KEY] [--minimize] "
                    "[--constraint \"tpot_s.p90<=0.05\"]... [--top K]"},
       .description =
           "DIR: a `moesim run --out` folder (summary, latency CDFs, step time and KV-cache use "
           "over time) or a `moesim sweep --out` folder (moesim select's table, a Pareto chart "
           "with chosen axes, a filter and the points' knobs on hover). Everything is inline: "
           "the page opens without a network. Selection options as in `moesim select` "
           "(default objective throughput_output_tokens_per_s_per_device).\n",
       .options = {{.name = "out",
                    .value = "FILE.html",
                    .help = "the page to write (default DIR/report.html)"},
                   {.name = "objective",
                    .value = "KEY",
                    .help = "sweep: column to rank by (default "
                            "throughput_output_tokens_per_s_per_device)"},
                   {.name = "minimize", .help = "sweep: rank lowest first"},
                   {.name = "constraint",
                    .value = "EXPR",
                    .help = "sweep: a comparison every kept point meets, e.g. "
                            "\"tpot_s.p90<=0.05\"; also the chart's initial filter",
                    .repeatable = true},
                   {.name = "top",
                    .value = "K",
                    .help = "sweep: rows of the table (default 10)",
                    .min = 1,
                    .max = 1000000}}});
  s.push_back(
      {.name = "speculation",
       .summary = "speedup and target efficiency of speculative decoding versus batch size",
       .synopsis = {"speculation --model M --hardware H [--tp N --dp N --ep N] "
                    "[--draft M | --method mtp|eagle|ngram] [--gamma 2,3,4] [--alpha 0.6,0.8] "
                    "[--batch 1,2,4,...] [--context L] [--out DIR]"},
       .options =
           {{.name = "model", .value = "M", .help = "target model preset; required"},
            {.name = "hardware", .value = "H", .help = "hardware preset; required"},
            {.name = "tp", .value = "N", .help = "tensor-parallel size (default 1)", .min = 1,
             .max = kMaxParallel},
            {.name = "dp", .value = "N", .help = "data-parallel size (default 1)", .min = 1,
             .max = kMaxParallel},
            {.name = "ep", .value = "N", .help = "expert-parallel size (default 1)", .min = 1,
             .max = kMaxParallel},
            {.name = "draft", .value = "M", .help = "draft model preset (method draft_model)"},
            {.name = "method",
             .value = "NAME",
             .help = "speculative method (default: draft_model with --draft, else mtp)"},
            {.name = "gamma",
             .value = "G,...",
             .help = "draft lengths, whole numbers in [1, 64] (default 2,3,4)"},
            {.name = "alpha",
             .value = "A,...",
             .help = "acceptance rates in [0, 1] (default 0.6,0.8)"},
            {.name = "batch",
             .value = "B,...",
             .help = "batch sizes, whole numbers in [1, 1048576] (default 1,2,4,...,256)"},
            {.name = "context",
             .value = "L",
             .help = "tokens of context per sequence (default 1024)",
             .min = 0,
             .max = kMaxContext},
            {.name = "routing", .value = "NAME", .help = "routing model (default uniform)"},
            {.name = "out",
             .value = "DIR",
             .help = "also write the tables and plots there"}}});
  s.push_back({.name = "calibrate",
               .summary = "fit the roofline's efficiencies to measured tables",
               .synopsis = {"calibrate --profile DIR --hardware H [--out FILE]"},
               .options = {{.name = "profile",
                            .value = "DIR",
                            .help = "measured tables (models/profiles/<gpu>); required"},
                           {.name = "hardware",
                            .value = "H",
                            .help = "hardware preset (default: the one the tables' metadata "
                                    "names)"},
                           {.name = "out",
                            .value = "FILE",
                            .help = "fitted preset (default <hardware>-calibrated.yaml)"}}});
  s.push_back(
      {.name = "fidelity",
       .summary = "error of the cost, kernel, collective and serving models against measurements",
       .synopsis =
           {"fidelity --profile DIR [--hardware H]",
            "fidelity --leave-one-out | --fit-kernel [--profiles DIR,...] [--vidur-compute DIR] "
            "[--check-set GPU,...] [--layer-models M,...]",
            "fidelity --vidur DIR --hardware H [--calibrate-with PROFILE] [--vidur-network DIR]",
            "fidelity --collectives DIR [--hardware H] [--backend nccl] [--devices-per-node 8]",
            "fidelity --serving DIR [--serving DIR]... [--engine vllm_v1] [--hardware H] "
            "[--model M] [--set path=value]... [--fit-engine [--fit-params a,b]] [--json]"},
       .options =
           {{.name = "profile",
             .value = "DIR",
             .help = "each cost model against these measured tables"},
            {.name = "hardware",
             .value = "H",
             .help = "hardware preset (default: the one the tables' metadata names)"},
            {.name = "leave-one-out",
             .help = "the kernel cost model fitted without each GPU and checked on it"},
            {.name = "fit-kernel", .help = "print the fitted kernel family constants"},
            {.name = "profiles",
             .value = "DIR,...",
             .help = "leave-one-out: profile folders (default: models/profiles/h100-sxm and "
                     "h200)"},
            {.name = "vidur-compute",
             .value = "DIR",
             .help = "leave-one-out: Vidur's compute tables (default data/vidur/compute)"},
            {.name = "check-set",
             .value = "GPU,...",
             .help = "leave-one-out: GPUs only checked, never fitted on (default h200)"},
            {.name = "layer-models",
             .value = "M,...",
             .help = "leave-one-out: models whose layers are checked"},
            {.name = "rows", .value = "FILE", .help = "leave-one-out: also write every row as CSV"},
            {.name = "vidur",
             .value = "DIR",
             .help = "the cost model against Vidur's compute tables"},
            {.name = "vidur-network",
             .value = "DIR",
             .help = "the all-reduce model against Vidur's network table"},
            {.name = "calibrate-with",
             .value = "PROFILE",
             .help = "--vidur: calibrate the roofline on these measured tables first"},
            {.name = "collectives",
             .value = "DIR",
             .help = "the collective model against a measured collective.csv"},
            {.name = "backend",
             .value = "NAME",
             .help = "--collectives: the measured library (default nccl)"},
            {.name = "devices-per-node",
             .value = "N",
             .help = "--collectives: devices in one node (default 8)"},
            {.name = "serving",
             .value = "DIR",
             .help = "replay a measured serving run (exact arrivals and lengths)",
             .repeatable = true},
            {.name = "engine",
             .value = "NAME",
             .help = "--serving: the engine whose configuration the runs used (default vllm_v1)"},
            {.name = "model",
             .value = "M",
             .help = "--serving: model preset (default: told by the run)"},
            {.name = "set",
             .value = "path=value",
             .help = "--serving: override a key of the replayed scenario",
             .repeatable = true},
            {.name = "fit-engine", .help = "--serving: fit the engine overheads to the runs"},
            {.name = "fit-params",
             .value = "a,b",
             .help = "--fit-engine: the parameters fitted (default per_step,per_sequence)"},
            {.name = "json", .help = "--serving: print JSON instead of tables"}}});
  return s;
}

}  // namespace

const std::vector<CommandSpec>& command_specs() {
  static const std::vector<CommandSpec> specs = make_specs();
  return specs;
}

const CommandSpec& command_spec(const std::string& name) {
  for (const auto& s : command_specs()) {
    if (s.name == name) return s;
  }
  throw std::logic_error("no option table for command '" + name + "'");
}

}  // namespace moesim
