// moesim fidelity --serving DIR [--serving DIR2 ...] [--engine NAME] [--hardware H] [--model M]
//                 [--set path=value]... [--fit-engine [--fit-params a,b]] [--json]
// Replays each measured serving run (exact arrivals and lengths) on the scenario built from its
// engine configuration and prints measured versus predicted metrics. --fit-engine first fits the
// engine-overhead parameters (default per_step and per_sequence) to all given runs at once:
// pattern search on the sum over runs of squared log errors of throughput and mean TTFT, TPOT
// and E2E; it prints the fitted values as --set flags, then the tables with them.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "analysis/json_writer.hpp"
#include "cli/args.hpp"
#include "cli/serving_replay.hpp"
#include "sim/engine_overhead.hpp"

namespace moesim {
namespace {

struct RunCase {
  ServingRun run;
  ReplayScenario sc;
  ServingMetrics measured;
  std::vector<double> tick_times;
};

struct RunOutcome {
  std::vector<FidelityRow> rows;
  ReplayResult sim;
};

RunOutcome evaluate(const RunCase& c, const std::vector<std::string>& sets) {
  RunOutcome o;
  o.sim = replay(c.run, c.sc, sets);
  ServingMetrics predicted = serving_metrics(o.sim.requests, c.tick_times);
  predicted.mean_running =
      mean_count_at_ticks(o.sim.step_running, predicted.first_arrival, c.tick_times);
  o.rows = fidelity_rows(c.measured, predicted);
  return o;
}

double loss(const std::vector<RunCase>& cases, const std::vector<std::string>& sets) {
  double sum = 0;
  for (const RunCase& c : cases) {
    const RunOutcome o = evaluate(c, sets);
    for (const auto& m : headline_metrics()) {
      const FidelityRow& r = row(o.rows, m);
      sum += std::pow(std::log(std::max(1e-12, r.predicted) / r.measured), 2);
    }
  }
  return sum;
}

std::string set_text(const std::string& p, double v) {
  char buf[128];
  if (p == "overlap") std::snprintf(buf, sizeof buf, "serving.engine.%s=%.4g", p.c_str(), v);
  else std::snprintf(buf, sizeof buf, "serving.engine.%s=%.4gus", p.c_str(), v * 1e6);
  return buf;
}

struct Fitted {
  std::vector<std::string> names;
  std::vector<double> values;
  double loss = 0;
  int evaluations = 0;
};

std::vector<std::string> with_params(std::vector<std::string> sets, const Fitted& f) {
  for (std::size_t i = 0; i < f.names.size(); ++i) sets.push_back(set_text(f.names[i], f.values[i]));
  return sets;
}

// Coordinate pattern search from the preset's defaults; steps halve when no move helps.
Fitted fit_engine(const std::vector<RunCase>& cases, const std::string& engine,
                  const std::vector<std::string>& sets, const std::string& params) {
  const auto& entry = engine_overheads().at(engine);
  Fitted f;
  std::vector<double> step, lo, hi;
  std::stringstream in(params);
  for (std::string p; std::getline(in, p, ',');) {
    const ParamSpec* spec = nullptr;
    for (const auto& s : entry.params) {
      if (s.name == p) spec = &s;
    }
    if (!spec) throw UsageError("--fit-params: engine '" + engine + "' has no parameter '" + p + "'");
    f.names.push_back(p);
    f.values.push_back(std::get<double>(spec->default_value));
    step.push_back(p == "overlap" ? 0.25 : p == "per_step" ? 2e-3 : 20e-6);
    lo.push_back(spec->min);
    hi.push_back(spec->max);
  }
  if (f.names.empty()) throw UsageError("--fit-params: no parameter named");
  f.loss = loss(cases, with_params(sets, f));
  f.evaluations = 1;
  for (int round = 0; round < 12 && f.evaluations < 400; ++round) {
    bool moved = true;
    while (moved && f.evaluations < 400) {
      moved = false;
      for (std::size_t i = 0; i < f.names.size(); ++i) {
        for (double dir : {+1.0, -1.0}) {
          Fitted t = f;
          t.values[i] = std::clamp(f.values[i] + dir * step[i], lo[i], hi[i]);
          if (t.values[i] == f.values[i]) continue;
          t.loss = loss(cases, with_params(sets, t));
          ++f.evaluations;
          if (t.loss < f.loss - 1e-12) {
            t.evaluations = f.evaluations;
            f = t;
            moved = true;
            break;
          }
        }
      }
    }
    for (double& s : step) s /= 2;
  }
  return f;
}

void print_case(const RunCase& c, const RunOutcome& o, const std::string& engine) {
  std::printf("## %s\n\n", c.run.dir.c_str());
  std::printf("vLLM %s, %s, max_num_seqs %lld, max_num_batched_tokens %lld, engine %s\n",
              c.run.meta.engine_version.c_str(), c.run.meta.model.c_str(),
              (long long)c.run.meta.max_num_seqs, (long long)c.run.meta.max_num_batched_tokens,
              engine.c_str());
  for (const auto& n : c.sc.notes) std::printf("- %s\n", n.c_str());
  std::printf("- simulated: %lld steps, %lld preemptions, %lld rejected, %zu of %zu requests\n\n",
              o.sim.steps, o.sim.preemptions, o.sim.rejected, o.sim.requests.size(),
              c.run.requests.size());
  std::printf("%s\n", fidelity_markdown(o.rows).c_str());
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace

int serving_fidelity_command(const Args& a) {
  ReplayOptions opt;
  opt.hardware = a.get_or("hardware", "");
  opt.model = a.get_or("model", "");
  opt.engine = a.get_or("engine", "vllm_v1");
  (void)engine_overheads().at(opt.engine);  // unknown name: the valid ones
  opt.sets = a.all("set");
  if (a.has("fit-params") && !a.has("fit-engine")) throw UsageError("--fit-params needs --fit-engine");
  std::vector<RunCase> cases;
  for (const std::string& dir : a.all("serving")) {
    RunCase c;
    c.run = read_serving_run(dir);
    c.sc = replay_scenario(c.run, opt);
    for (const auto& t : c.run.ticks) c.tick_times.push_back(t.t);
    c.measured = serving_metrics(measured_times(c.run), c.tick_times);
    if (!c.run.ticks.empty()) {
      double sum = 0;
      for (const auto& t : c.run.ticks) sum += t.running;
      c.measured.mean_running = sum / double(c.run.ticks.size());
    }
    cases.push_back(std::move(c));
  }
  std::vector<std::string> sets = opt.sets;
  std::optional<Fitted> fitted;
  if (a.has("fit-engine")) {
    fitted = fit_engine(cases, opt.engine, sets, a.get_or("fit-params", "per_step,per_sequence"));
    sets = with_params(sets, *fitted);
  }
  std::vector<RunOutcome> outcomes;
  for (const RunCase& c : cases) outcomes.push_back(evaluate(c, sets));
  std::vector<std::pair<std::string, double>> medians;
  for (const auto& m : headline_metrics()) {
    std::vector<double> errs;
    for (const auto& o : outcomes) errs.push_back(std::fabs(row(o.rows, m).error()));
    medians.emplace_back(m, median(errs));
  }
  if (a.has("json")) {
    JsonWriter j;
    j.begin_object().field("engine", opt.engine);
    if (fitted) {
      j.key("fitted").begin_object();
      for (std::size_t i = 0; i < fitted->names.size(); ++i) j.field(fitted->names[i], fitted->values[i]);
      j.end_object();
    }
    j.key("runs").begin_array();
    for (std::size_t i = 0; i < cases.size(); ++i) {
      j.begin_object().field("dir", cases[i].run.dir).field("hardware", cases[i].sc.hardware);
      j.field("model", cases[i].sc.model).field("steps", outcomes[i].sim.steps);
      j.field("preemptions", outcomes[i].sim.preemptions).field("rejected", outcomes[i].sim.rejected);
      j.key("rows").begin_array();
      for (const auto& r : outcomes[i].rows) {
        j.begin_object().field("metric", r.metric).field("measured", r.measured);
        j.field("predicted", r.predicted).field("error", r.error()).end_object();
      }
      j.end_array().end_object();
    }
    j.end_array().key("median_abs_error").begin_object();
    for (const auto& [m, v] : medians) j.field(m, v);
    j.end_object().end_object();
    std::printf("%s\n", j.str().c_str());
    return 0;
  }
  std::printf("# moesim fidelity --serving\n\n"
              "Clock: queued_ts, scheduled_ts, first_token_ts and last_token_ts are the engine's "
              "monotonic clock, taken from the earliest queued_ts; arrival_time (wall clock) is "
              "not used. Arrivals replay queued_ts; lengths are input_toks and output_toks.\n\n");
  if (fitted) {
    std::printf("Fitted '%s' on %zu run(s) (%d simulations, loss %.4g):", opt.engine.c_str(),
                cases.size(), fitted->evaluations, fitted->loss);
    for (std::size_t i = 0; i < fitted->names.size(); ++i)
      std::printf(" --set %s", set_text(fitted->names[i], fitted->values[i]).c_str());
    std::printf("\n\n");
  }
  for (std::size_t i = 0; i < cases.size(); ++i) print_case(cases[i], outcomes[i], opt.engine);
  std::printf("Median absolute error over %zu run(s):", cases.size());
  for (const auto& [m, v] : medians) std::printf(" %s %.1f%%;", m.c_str(), 100 * v);
  std::printf("\n");
  return 0;
}

}  // namespace moesim
