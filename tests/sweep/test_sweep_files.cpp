// The sweep file loader, journal lines and results.csv (no processes); the JSON flattener's
// tests are in tests/analysis/test_json_flat.cpp.
#include <doctest/doctest.h>

#include "analysis/json_flat.hpp"
#include "analysis/sweep_results.hpp"
#include "models/errors.hpp"
#include "scenarios/diagnostics.hpp"
#include "scenarios/sweep_loader.hpp"

using namespace moesim;

namespace {

std::string load_errors(const std::string& text, const std::vector<std::string>& sets = {}) {
  try {
    (void)load_sweep_text(text, "s.yaml", "/data", sets);
  } catch (const ScenarioError& e) {
    return e.diagnostics().text();
  }
  return "(no error)";
}

const char* kBase = R"(name: t
model: qwen1.5-moe-a2.7b
hardware: h100-sxm
speculative: {method: mtp, gamma: 2}
cluster: {nodes: 2}
workload:
  source: {name: azure, path: traces/a.csv}
  lengths: {name: file, path: /abs/l.txt}
)";

const char* kSweep = R"(sweep:
  zip:
    model.layers: [8, 16]
    model.hidden: [1024, 2048]
  # comment inside the section
  grid:
    speculative.acceptance: [{name: iid, alpha: 0.7}, {name: per_position, rates: [0.8]}]

  derived:
    deployment.ep: devices / 2
  filters: ["deployment.ep <= 8"]

# the SLO
slo: {tpot: 50ms}
)";

}  // namespace

TEST_CASE("journal: a line reads back as the same entry, a cut-short line is skipped") {
  JournalEntry e{7, "ok", {{"deployment.tp", "2"}, {"model.name", "a,b"}}, "", {}};
  e.metrics = summary_metrics(R"({"tpot_s": {"p90": 0.05}, "wall_time_s": 1.25, "model": "m"})");
  REQUIRE(e.metrics.size() == 2);  // wall_time_s left out
  const std::string line = journal_line(e);
  CHECK(line ==
        "{\"index\":7,\"status\":\"ok\",\"overrides\":{\"deployment.tp\":\"2\",\"model.name\":"
        "\"a,b\"},\"error\":\"\",\"metrics\":{\"tpot_s.p90\":0.05,\"model\":\"m\"}}\n");
  JournalEntry bad{3, "invalid", {{"deployment.tp", "3"}}, "base.yaml:1:1: error: \"x\"", {}};
  const Journal j = parse_journal(line + journal_line(bad) + "{\"index\":4,\"sta");
  REQUIRE(j.entries.size() == 2);
  CHECK(j.entries[0] == e);
  CHECK(j.entries[1] == bad);
  CHECK(j.bad_lines == 1);
  // Exact duplicates collapse; two different results for one index are an error.
  CHECK(unique_entries({e, bad, e}).size() == 2);
  JournalEntry other = e;
  other.status = "invalid";
  CHECK_THROWS_WITH_AS((void)unique_entries({e, other}), "point 7 has two different results",
                       InputError);
  // A failed attempt is superseded by the other attempt, in either order (--resume re-ran it).
  JournalEntry failed = e;
  failed.status = "failed";
  CHECK(unique_entries({failed, e}) == std::vector<JournalEntry>{e});
  CHECK(unique_entries({e, failed}) == std::vector<JournalEntry>{e});
}

TEST_CASE("results.csv: sorted by index, swept columns in spec order, metric keys sorted") {
  JournalEntry a{2, "ok", {{"b", "1"}, {"a", "x"}}, "", {}};
  a.metrics = summary_metrics(R"({"z": 1, "m": {"p": 0.5}})");
  JournalEntry b{0, "invalid", {{"b", "2"}, {"a", "y"}}, "bad, \"really\"", {}};
  JournalEntry c{1, "filtered", {{"b", "3"}}, "b <= 2", {}};
  c.metrics = summary_metrics(R"({"k": "v"})");
  CHECK(results_csv({"b", "a"}, {a, b, c}) ==
        "index,status,b,a,k,m.p,z,error\n"
        "0,invalid,2,y,,,,\"bad, \"\"really\"\"\"\n"
        "1,filtered,3,,v,,,b <= 2\n"
        "2,ok,1,x,,0.5,1,\n");
}

TEST_CASE("manifest: round trip, same sweep ignores the shard") {
  const SweepManifest m{"n", 12, {"a", "b"}, {"seed=3"}, 1, 3};
  CHECK(parse_manifest(manifest_json(m)) == m);
  SweepManifest other = m;
  other.shard = 2;
  CHECK(other.same_sweep(m));
  other.columns.pop_back();
  CHECK_FALSE(other.same_sweep(m));
}

TEST_CASE("sweep loader: axes in the order written, base text, values, workload paths") {
  const SweepFile f = load_sweep_text(std::string(kBase) + kSweep, "s.yaml", "/data/x", {"seed=3"});
  CHECK(f.name == "t");
  REQUIRE(f.spec.axes.size() == 4);
  CHECK(swept_paths(f.spec) == std::vector<std::string>{"model.layers", "model.hidden",
                                                        "speculative.acceptance", "deployment.ep"});
  CHECK(f.spec.axes[2].values ==
        std::vector<std::string>{"{name: iid, alpha: 0.7}", "{name: per_position, rates: [0.8]}"});
  CHECK(f.spec.filters == std::vector<std::string>{"deployment.ep <= 8"});
  // devices = 2 nodes (file) x 8 per node (the scenario default) = 16; ep = 16 / 2.
  CHECK(sweep_size(f.spec) == 4);
  const SweepPoint p = sweep_point(f.spec, 3);
  CHECK(p.overrides() == std::vector<std::string>{"model.layers=16", "model.hidden=2048",
                                                  "speculative.acceptance={name: per_position, rates: [0.8]}",
                                                  "deployment.ep=8"});
  // The point runs from the output folder: the relative trace path is made absolute.
  CHECK(f.base_overrides ==
        std::vector<std::string>{"seed=3", "workload.source.path=/data/x/traces/a.csv"});
  // The blank line and the comment before `slo:` belong to it and stay.
  CHECK(f.base_text == std::string(kBase) + "\n# the SLO\nslo: {tpot: 50ms}\n");
}

TEST_CASE("strip_sweep_section: only the top-level block goes") {
  CHECK(strip_sweep_section("a: 1\nsweep:\n  grid: {x: [1]}\nb: 2\n") == "a: 1\nb: 2\n");
  CHECK(strip_sweep_section("a: 1\nsweep: {grid: {x: [1]}}") == "a: 1\n");
  CHECK(strip_sweep_section("a: 1\nsweeps: 2\n") == "a: 1\nsweeps: 2\n");
  CHECK(strip_sweep_section("a:\n  sweep: 1\n") == "a:\n  sweep: 1\n");
}

TEST_CASE("sweep loader: every error at once with file, line and column") {
  CHECK(load_errors("name: t\nmodel: m\n") ==
        "s.yaml: error: sweep: a sweep file needs a 'sweep:' section with 'grid', 'zip', "
        "'derived' or 'filters'\n");
  CHECK(load_errors("name: t\nsweep: [1, 2]\n") ==
        "s.yaml:2:8: error: sweep: expected a map of keys\n");
  CHECK(load_errors("name: t\nsweep:\n  grid: {a: [1, 2]}\n", {"sweep.grid.a=[]"}) ==
        "--set sweep.grid.a=[]: error: sweep.grid.a: expected a non-empty list of values\n");
  // A flow-style document cannot be cut line by line.
  CHECK(load_errors("{name: t, sweep: {grid: {a: [1]}}}") ==
        "s.yaml:1:18: error: sweep: write 'sweep:' at the start of a line, as a top-level key of a "
        "block-style file\n");
  CHECK(load_errors(R"(name: t
sweep:
  grid:
    a: [1, ~]
    b: 1
  derived:
    c: a + b + d
  filters: ["a < 2", [1]]
)") == "s.yaml:4:12: error: sweep.grid.a: a value cannot be empty\n"
       "s.yaml:5:8: error: sweep.grid.b: expected a list of values, e.g. [1, 2, 4]\n"
       "s.yaml:8:22: error: sweep.filters: expected a comparison such as 'deployment.tp <= 8'\n"
       "s.yaml:7:5: error: sweep.derived.c: unknown name 'd' at column 9 of 'a + b + d'; did you "
       "mean 'a'? (valid: a, b, c, devices, cluster.devices_per_node, cluster.nodes)\n");
}

TEST_CASE("manifest: a missing name or point count is named") {
  CHECK_THROWS_WITH_AS((void)parse_manifest(R"({"points": 3})"),
                       "'name' is missing or not a string", InputError);
  CHECK_THROWS_WITH_AS((void)parse_manifest(R"({"name": "s", "points": 1.5})"),
                       "'points' is missing or not a whole number", InputError);
}

TEST_CASE("sweep loader: a file that is not a map, and axes of the wrong shape") {
  CHECK(load_errors("- a\n") ==
        "s.yaml: error: a sweep file must be a map of sections (name, model, ..., sweep)\n");
  CHECK(load_errors("name: t\nsweep:\n  grid: [1, 2]\n") ==
        "s.yaml:3:9: error: sweep.grid: expected a map of key path -> list of values, e.g. "
        "{deployment.tp: [1, 2, 4]}\n");
  CHECK(load_errors("name: t\nsweep:\n  derived: 3\n") ==
        "s.yaml:3:12: error: sweep.derived: expected a map of key path -> expression, e.g. "
        "{deployment.ep: devices / deployment.tp}\n");
  CHECK(load_errors("name: t\nsweep:\n  derived: {deployment.ep: [1]}\n") ==
        "s.yaml:3:28: error: sweep.derived.deployment.ep: expected an expression such as "
        "'devices / deployment.tp'\n");
}
