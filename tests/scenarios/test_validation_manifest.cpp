// The validation manifest loader: a good manifest, and every error with file:line:column and key.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "scenarios/diagnostics.hpp"
#include "scenarios/validation_manifest.hpp"

using namespace moesim;

namespace {

// A folder holding an (empty) scenario file, so that `scenario:` paths resolve.
std::string folder_with_scenario() {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("moesim-test-manifest-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "s.yaml") << "name: s\n";
  return dir.string();
}

std::string errors_of(const std::string& text, const std::string& dir) {
  try {
    (void)load_validation_text(text, "m.yaml", dir);
  } catch (const ScenarioError& e) {
    return e.diagnostics().text();
  }
  return "";
}

}  // namespace

TEST_CASE("a manifest: figures, overrides, peaks, paths against the manifest's folder") {
  const std::string dir = folder_with_scenario();
  const ValidationManifest m = load_validation_text(R"(tolerance: 0.2
figures:
  - id: a
    scenario: s.yaml
    set: [x.y=1, "z={name: iid, alpha: 0.8}"]
    metric: 96 / tpot_s.mean
    published: 1943
    unit: tok/s
    source: paper
  - id: b
    scenario: s.yaml
    peak_over: [[b=1], [b=2, c=3]]
    metric: spec.speedup_throughput
    published: 2.29
    unit: x
    source: paper 2
)",
                                                    "m.yaml", dir);
  CHECK(m.tolerance == 0.2);
  REQUIRE(m.figures.size() == 2);
  CHECK(m.figures[0].scenario == dir + "/s.yaml");
  CHECK(m.figures[0].set == std::vector<std::string>{"x.y=1", "z={name: iid, alpha: 0.8}"});
  CHECK(m.figures[0].published == 1943);
  CHECK(m.figures[1].peak_over.size() == 2);
  CHECK(m.figures[1].peak_over[1] == std::vector<std::string>{"b=2", "c=3"});
}

TEST_CASE("manifest errors: every one at once, with file:line:column and key") {
  const std::string dir = folder_with_scenario();
  CHECK(errors_of(R"(figures:
  - id: Bad Id
    scenario: absent.yaml
    set: [novalue]
    metric: 96 / (tpot_s.mean
    published: -3
    unit: ms
    sourc: x
  - id: c
    scenario: s.yaml
    metric: a <= 2
    published: 1
    unit: ms
    source: s
  - id: c
    scenario: s.yaml
    metric: a
    published: 1
    unit: ms
    source: s
)",
                  dir) ==
        "m.yaml:2:9: error: figures[0].id: expected lower-case letters, digits, '.', '_' or '-', "
        "got 'Bad Id'\n"
        "m.yaml:3:15: error: figures[0].scenario: no such file: " +
            dir +
            "/absent.yaml\n"
            "m.yaml:4:11: error: figures[0].set[0]: expected path=value, e.g. deployment.tp=4\n"
            "m.yaml:5:13: error: figures[0].metric: expected ')' at column 18\n"
            "m.yaml:6:16: error: figures[0].published: value -3 out of range [1e-300, 1e+300]\n"
            "m.yaml:2:5: error: figures[0]: missing required key 'source'\n"
            "m.yaml:8:5: error: figures[0].sourc: unknown key; did you mean 'source'? (valid keys: "
            "id, "
            "scenario, set, peak_over, metric, published, unit, source)\n"
            "m.yaml:11:13: error: figures[1].metric: expected a value, not a comparison\n"
            "m.yaml:15:9: error: figures[2].id: duplicate id 'c'\n");
  CHECK(errors_of("tolerance: 2\n", dir) ==
        "m.yaml:1:12: error: tolerance: value 2 out of range [1e-09, 1]\n"
        "m.yaml:1:1: error: figures: required: a list of published figures\n");
}
