// moesim run [SCENARIO]: simulates a scenario and writes summary.json, requests.csv, steps.csv
// and the resolved scenario into the output folder; prints a summary table. On a terminal a
// progress line on stderr shows the simulated time, the share done and an ETA. --quiet prints
// nothing but errors.
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>

#include "analysis/atomic_file.hpp"
#include "analysis/run_progress.hpp"
#include "analysis/summary.hpp"
#include "analysis/svg_plot.hpp"
#include "analysis/timeline.hpp"
#include "cli/args.hpp"
#include "cli/command_specs.hpp"
#include "cli/commands.hpp"
#include "cli/interrupt.hpp"
#include "cli/output_lock.hpp"
#include "cli/run_output.hpp"
#include "cli/run_report.hpp"
#include "models/errors.hpp"
#include "scenarios/embedded_files.hpp"
#include "scenarios/loader.hpp"
#include "scenarios/resolved.hpp"
#include "scenarios/simulation_factory.hpp"

namespace moesim {
namespace {

constexpr const char* kDefaultScenario = "scenarios/quickstart.yaml";
constexpr int kProgressWidth = 76;  // the progress line is padded to it: a shorter one overwrites

Scenario load(const Args& a) {
  if (!a.positionals().empty()) return load_scenario_file(a.positionals()[0], a.all("set"));
  for (const auto& f : embedded_files()) {
    if (std::strcmp(f.path, kDefaultScenario) == 0) {
      return load_scenario_text(f.text, std::string("(embedded) ") + kDefaultScenario, ".",
                                a.all("set"));
    }
  }
  throw ConfigError("no embedded default scenario");
}

SloTargets slo_of(const Scenario& s) {
  SloTargets t;
  if (s.slo.ttft) t.ttft_s = s.slo.ttft->value();
  if (s.slo.tpot) t.tpot_s = s.slo.tpot->value();
  if (s.slo.e2e) t.e2e_s = s.slo.e2e->value();
  return t;
}

// Runs the baseline (speculation off) in a child process: SimGrid allows one engine per
// process. The child sends back two doubles through a pipe.
BaselineFacts run_baseline(const Scenario& s, bool check) {
  int fds[2];
  if (pipe(fds) != 0) throw InputError("cannot create a pipe for the baseline run");
  const pid_t pid = fork();
  if (pid < 0) throw InputError("cannot fork the baseline run");
  if (pid == 0) {
    // The child writes no files: a stop signal just ends it.
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    close(fds[0]);
    int rc = 0;
    try {
      SimulationSetup setup = make_simulation_setup(s, false);
      setup.check_invariants = check;
      MetricsCollector m("", false, false, slo_of(s));
      const SimulationTotals t = run_simulation(setup, m, nullptr);
      const BaselineFacts b = baseline_facts(t, m);
      const double buf[2] = {b.throughput, b.tpot_mean};
      rc = write(fds[1], buf, sizeof buf) == sizeof buf ? 0 : 3;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "moesim run: baseline failed: %s\n", e.what());
      rc = 2;
    }
    close(fds[1]);
    _exit(rc);
  }
  close(fds[1]);
  double buf[2] = {0, 0};
  const ssize_t got = read(fds[0], buf, sizeof buf);
  close(fds[0]);
  int status = 0;
  if (stop_signal() != 0) kill(pid, SIGTERM);
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  throw_if_interrupted();
  if (got != ssize_t(sizeof buf) || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw InputError("the baseline run (speculation off) failed");
  }
  return {buf[0], buf[1]};
}

}  // namespace

int cmd_run(int argc, char** argv) {
  const Args a(argc, argv, 2, command_spec("run"));
  if (a.positionals().size() > 1) throw UsageError(a.usage());
  if (a.has("check") && a.has("no-check")) throw UsageError("--check and --no-check exclude each other");
  // Invariant checks are on by default (they cost about 1% of wall time: bench/RESULTS.md);
  // --no-check is for benchmarks. --check is kept for scripts written when they were opt-in.
  const bool check = !a.has("no-check");
  install_stop_handlers();
  const Scenario s = load(a);
  // What the run reads is opened before anything is written: a missing or empty trace, or an
  // output.dir that cannot be a folder, leaves no output folder behind.
  check_run_inputs(s, !a.has("out"));
  const std::string out = a.get_or("out", s.output.dir.empty() ? "results/" + s.name : s.output.dir);
  const OutputLock lock = [&] {
    try {
      return OutputLock(out, "run");
    } catch (const InputError& e) {
      // A folder the scenario named (output.dir) that cannot be made is reported at its line.
      if (a.has("out") || s.output.dir.empty() ||
          std::string(e.what()).rfind("cannot create output folder", 0) != 0) {
        throw;
      }
      scenario_key_error(s, "output.dir", e.what());
    }
  }();
  remove_run_files(out, true);  // temporaries of a run killed before it could remove them
  throw_if_interrupted();

  const bool spec = s.speculative.enabled && s.speculative.gamma > 0;
  std::optional<BaselineFacts> baseline;
  if (spec && (s.speculative.compare_without_speculation || a.has("baseline"))) {
    baseline = run_baseline(s, check);
  }
  throw_if_interrupted();
  const auto t0 = std::chrono::steady_clock::now();
  SimulationSetup setup = make_simulation_setup(s, true);
  setup.check_invariants = check;
  MetricsCollector metrics(out, s.output.requests_csv, s.output.steps_csv, slo_of(s));
  const bool quiet = a.has("quiet");
  const bool show_progress = !quiet && isatty(STDERR_FILENO);
  const RequestSource::Extent extent = setup.source->extent();
  // Called every 1024 steps: the simulation stops at the next one after a SIGINT or SIGTERM
  // (the exception leaves the engine like a bad trace row does).
  auto progress = [&](const SimulationProgress& p) {
    throw_if_interrupted();
    if (!show_progress) return;
    const RunProgress line{
        p.requests_done, p.requests_pulled, p.simulated_s,
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(),
        extent.requests, extent.span_s};
    std::fprintf(stderr, "\r  %-*s", kProgressWidth, progress_line(line).c_str());
  };
  std::vector<InstanceRole> roles;
  for (const InstanceSetup& i : setup.instances) roles.push_back(i.role);
  std::optional<TimelineWriter> timeline;
  if (a.has("timeline")) timeline.emplace(metrics, a.get_or("timeline", ""), roles);
  SimObserver& observer = timeline ? static_cast<SimObserver&>(*timeline) : metrics;
  const SimulationTotals totals = run_simulation(setup, observer, progress);
  if (show_progress) std::fprintf(stderr, "\r%*s\r", kProgressWidth + 2, "");
  throw_if_interrupted();
  // Every file complete under its temporary name before any is renamed (README "Robustness").
  metrics.finish();
  RunFacts facts{s.name, s.model.name, s.hardware.name,
                 s.deployment.devices(),
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(),
                 spec ? s.speculative.gamma : 0, spec ? s.speculative.method.name : "",
                 s.price_per_device_hour()};
  AtomicFile summary(out + "/summary.json"), resolved(out + "/scenario.resolved.yaml");
  summary.out() << summary_json(facts, totals, metrics, baseline);
  summary.finish();
  resolved.out() << resolved_yaml(s);
  resolved.finish();
  std::optional<AtomicFile> cdf;
  if (metrics.ttft.exact() && metrics.tpot.exact() && metrics.e2e.exact()) {
    cdf.emplace(out + "/latency_cdf.svg");
    cdf->out() << svg::render_cdf("Latency CDF, " + s.name, "seconds",
                                  {{"TTFT", metrics.ttft.values()},
                                   {"TPOT", metrics.tpot.values()},
                                   {"E2E", metrics.e2e.values()}},
                                  true);
    cdf->finish();
  }
  if (timeline) timeline->commit();
  throw_if_interrupted();
  {
    const StopSignalsHeld hold;
    try {
      std::vector<std::string> written{"summary.json", "scenario.resolved.yaml"};
      if (s.output.requests_csv) written.push_back("requests.csv");
      if (s.output.steps_csv) written.push_back("steps.csv");
      if (cdf) written.push_back("latency_cdf.svg");
      clear_earlier_run(out, written);
      metrics.publish();
      resolved.publish();
      if (cdf) cdf->publish();
      summary.publish();
    } catch (...) {
      remove_run_files(out, false);
      throw;
    }
  }
  if (!quiet) print_run_report(std::cout, s, facts, totals, metrics, baseline, out);
  return 0;
}

}  // namespace moesim
