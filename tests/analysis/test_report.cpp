// The report page's data (analysis/report_run, report_sweep, report_page): CDF points and step
// spans of hand-made tables, summary units, the self-contained check, determinism, and located
// errors for bad input.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <unistd.h>

#include "analysis/report_page.hpp"
#include "analysis/report_run.hpp"
#include "analysis/report_sweep.hpp"
#include "analysis/sweep_expr.hpp"
#include "analysis/sweep_results.hpp"
#include "models/errors.hpp"

using namespace moesim;

namespace {

std::string scratch(const std::string& name) {
  const auto p = std::filesystem::temp_directory_path() /
                 ("moesim-test-report-" + std::to_string(::getpid()) + "-" + name);
  std::filesystem::remove_all(p);
  std::filesystem::create_directories(p);
  return p.string();
}

void write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

const char* kSummary = R"({
  "scenario": "tiny",
  "devices": 1,
  "simulated_time_s": 2.5,
  "wall_time_s": 0.1,
  "throughput_output_tokens_per_s": 40,
  "ttft_s": {"mean": 0.012, "count": 4},
  "kv_capacity_blocks": 100,
  "slo_attainment": null
}
)";

// Four requests: three completed (one with a single output token, so no TPOT), one rejected.
const char* kRequests =
    "id,status,ttft_s,tpot_s,e2e_s\n"
    "1,completed,0.1,0.01,1\n"
    "2,completed,0.3,,2\n"
    "3,rejected: no room,,,\n"
    "4,completed,0.2,0.02,3\n";

const char* kStepsHeader =
    "start_s,duration_s,kv_blocks_used,attention_s,ffn_s,experts_s,communication_s,other_s,"
    "draft_s,host_s\n";

std::string run_folder(const std::string& name) {
  const std::string dir = scratch(name);
  write(dir + "/summary.json", kSummary);
  write(dir + "/requests.csv", kRequests);
  write(dir + "/steps.csv", std::string(kStepsHeader) +
                                "0,1,10,0.5,0.5,0,0,0,0,0\n"
                                "0.5,0.5,30,0.25,0.25,0,0,0,0,0\n"
                                "1,1,20,1,0,0,0,0,0,0\n");
  return dir;
}

std::string sweep_folder(const std::string& name) {
  const std::string dir = scratch(name);
  SweepManifest m;
  m.name = "tiny-sweep";
  m.points = 4;
  m.columns = {"deployment.tp"};
  write(dir + "/sweep.json", manifest_json(m));
  write(dir + "/results.csv",
        "index,status,deployment.tp,throughput_output_tokens_per_s_per_device,tpot_s.mean,error\n"
        "0,ok,1,100,0.01,\n"
        "1,ok,2,150,0.02,\n"
        "2,ok,4,120,0.03,\n"
        "3,invalid,8,,,\"error: deployment.tp: 8 devices, the cluster has 4\"\n");
  return dir;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("report: latency CDFs of a hand-made requests table") {
  const auto cdfs = latency_cdfs(parse_located_csv(kRequests, "requests.csv"));
  REQUIRE(cdfs.size() == 3);
  CHECK(cdfs[0].name == "TTFT");
  // Completed TTFTs 0.1, 0.2, 0.3 (the rejected row is left out): the step line starts at
  // (0.1, 0) and rises by 1/3 at each sample.
  const std::vector<std::pair<double, double>> ttft{
      {0.1, 0}, {0.1, 1.0 / 3}, {0.2, 1.0 / 3}, {0.2, 2.0 / 3}, {0.3, 2.0 / 3}, {0.3, 1}};
  REQUIRE(cdfs[0].points.size() == ttft.size());
  for (std::size_t i = 0; i < ttft.size(); ++i) {
    CHECK(cdfs[0].points[i].first == doctest::Approx(ttft[i].first));
    CHECK(cdfs[0].points[i].second == doctest::Approx(ttft[i].second));
  }
  // TPOT: request 2 has one output token (empty cell): two samples, steps of 1/2.
  CHECK(cdfs[1].name == "TPOT");
  REQUIRE(cdfs[1].points.size() == 4);
  CHECK(cdfs[1].points[1].second == doctest::Approx(0.5));
  CHECK(cdfs[1].points.back().first == doctest::Approx(0.02));
  CHECK(cdfs[2].name == "E2E");
  CHECK(cdfs[2].points.back() == std::pair<double, double>{3.0, 1.0});
}

TEST_CASE("report: step spans are means per step, KV the highest share") {
  const std::string text = std::string(kStepsHeader) +
                           "0,1,10,0.5,0.5,0,0,0,0,0\n"
                           "0.5,0.5,30,0.25,0.25,0,0,0,0,0\n"
                           "1,1,20,1,0,0,0,0,0,0\n";
  // Steps span [0, 2] (the last ends at 1 + 1); two spans of 1 s. Span 0 holds the steps at 0
  // and 0.5: attention (0.5 + 0.25) / 2 = 0.375, duration (1 + 0.5) / 2 = 0.75, KV max(10, 30) /
  // 100 = 0.3. Span 1 holds the step at 1: attention 1, KV 0.2.
  const StepBins b = bin_steps(parse_located_csv(text, "steps.csv"), 100, 2);
  REQUIRE(b.t.size() == 2);
  CHECK(b.t[0] == doctest::Approx(0.5));
  CHECK(b.t[1] == doctest::Approx(1.5));
  CHECK(b.components.front() == "attention");
  CHECK(b.mean[0][0] == doctest::Approx(0.375));
  CHECK(b.mean[0][1] == doctest::Approx(0.375));
  CHECK(b.mean[1][0] == doctest::Approx(1.0));
  CHECK(b.duration[0] == doctest::Approx(0.75));
  CHECK(b.kv[0] == doctest::Approx(0.3));
  CHECK(b.kv[1] == doctest::Approx(0.2));
  // Without a capacity the KV line is in blocks. At most one span per step: 4 asked, 3 spans
  // of 2/3 s; [0, 2/3) holds the steps at 0 and 0.5, [2/3, 4/3) the one at 1, and the empty
  // [4/3, 2] is left out.
  const StepBins blocks = bin_steps(parse_located_csv(text, "steps.csv"), 0, 4);
  CHECK(blocks.kv.front() == doctest::Approx(30));
  REQUIRE(blocks.t.size() == 2);
  CHECK(blocks.t[1] == doctest::Approx(1.0));
}

TEST_CASE("report: summary figures in the unit that fits, wall time left out") {
  const auto rows = summary_rows(flatten_json(kSummary));
  std::map<std::string, std::string> m(rows.begin(), rows.end());
  CHECK(rows.front().first == "scenario");
  CHECK(m.count("wall_time_s") == 0);
  CHECK(m["simulated_time_s"] == "2.500 s");
  CHECK(m["ttft_s.mean"] == "12.00 ms");
  CHECK(m["ttft_s.count"] == "4");                     // a count, not a duration
  CHECK(m["throughput_output_tokens_per_s"] == "40");  // a rate, not a duration
  CHECK(m["slo_attainment"] == "n/a");
}

TEST_CASE("report: the page is self-contained and the same bytes twice") {
  const std::string dir = run_folder("determinism");
  const std::string a = render_report(dir, {}, false);
  const std::string b = render_report(dir, {}, false);
  CHECK(a == b);
  CHECK(external_references(a).empty());
  CHECK(a.find("\"kind\":\"run\"") != std::string::npos);
  const std::string sweep = render_report(sweep_folder("determinism-sweep"), {}, false);
  CHECK(sweep == render_report(sweep_folder("determinism-sweep"), {}, false));
  CHECK(external_references(sweep).empty());
}

TEST_CASE("report: data cannot close the script or name a URL") {
  const std::string page =
      render_report_page("t", R"({"kind":"run","title":"</script><img src=\"http://x/y.png\">"})");
  CHECK(external_references(page).empty());
  CHECK(page.find("</script><img") == std::string::npos);
  CHECK(script_safe_json(R"({"a":"</b>="})") == R"({"a":"\u003c\/b\u003e\u003d"})");
}

TEST_CASE("report: external references are found") {
  CHECK(external_references("<img src=\"http://a.example/b.png\">").size() == 2);
  CHECK(external_references("<script src=\"lib.js\"></script>").size() == 1);
  CHECK(external_references("<a href='//cdn.example/x'>").size() == 1);
  CHECK(external_references("<style>@import 'x.css';</style>").size() == 1);
  CHECK(external_references("a { background: url(data:image/png;base64,AA) }").empty());
  CHECK(external_references("<a href=\"#top\">top</a>").empty());
}

TEST_CASE("report: the sweep's table and front agree with select_points") {
  const std::string dir = sweep_folder("select");
  SweepReportRequest req;
  req.constraints = {"tpot_s.mean<=0.02"};
  const SweepReport r = gather_sweep_report(dir, req, false);
  CHECK(r.title == "tiny-sweep");
  CHECK(r.numeric == std::vector<std::string>{"deployment.tp",
                                              "throughput_output_tokens_per_s_per_device",
                                              "tpot_s.mean"});
  REQUIRE(r.points.size() == 4);
  // Front of (throughput, 1 / TPOT) among passing points 0 (100, 100) and 1 (150, 50): both.
  CHECK(r.points[0].pareto);
  CHECK(r.points[1].pareto);
  CHECK_FALSE(r.points[2].passes);  // TPOT 0.03 > 0.02
  CHECK_FALSE(r.points[3].values[1].has_value());
  REQUIRE(r.table_rows.size() == 2);
  CHECK(r.table_rows[0][0] == "1*");
  CHECK(r.table_rows[0][1] == "1");
  CHECK(r.filter == "tpot_s.mean<=0.02");
  CHECK(r.summary_line.rfind("2 of 4 points meet every constraint", 0) == 0);
  // Without constraints point 2 (120, 33.3) is dominated by point 1 (150, 50).
  const SweepReport all = gather_sweep_report(dir, {}, false);
  CHECK_FALSE(all.points[2].pareto);
  CHECK(all.table_rows.size() == 3);
}

TEST_CASE("report: the sweep page's filter text and unit table for its expression language") {
  const std::string dir = sweep_folder("filter");
  SweepReportRequest req;
  // A constraint with || is grouped where && joins it to others (&& binds tighter); select's
  // plain text form reaches the page quoted.
  req.constraints = {"tpot_s.mean<=20ms || deployment.tp==4", "status==ok", "fits_memory"};
  const SweepReport r = gather_sweep_report(dir, req, false);
  CHECK(r.filter == "(tpot_s.mean<=20ms || deployment.tp==4) && status == 'ok' && fits_memory");
  req.constraints = {"tpot_s.mean<=20ms || deployment.tp==4"};
  CHECK(gather_sweep_report(dir, req, false).filter == "tpot_s.mean<=20ms || deployment.tp==4");
  const std::string json = sweep_report_json(r);
  CHECK(json.find(R"(["ms",0.001])") != std::string::npos);
  CHECK(json.find(R"(["GiB",1073741824])") != std::string::npos);
  CHECK(json.find(R"(["tok/s",1])") != std::string::npos);
  CHECK(json.find(R"("units_text":")" + expression_units() + "\"") != std::string::npos);
}

TEST_CASE("report: bad input is located") {
  const std::string base = scratch("bad");
  CHECK(error_of([&] { (void)report_kind(base + "/none"); }).find("no such folder") !=
        std::string::npos);
  CHECK(error_of([&] { (void)report_kind(base); }).find("neither a run folder") !=
        std::string::npos);

  std::string dir = run_folder("bad-cell");
  write(dir + "/requests.csv", "id,status,ttft_s,tpot_s,e2e_s\n1,completed,0.1,0.01,1\n"
                               "2,completed,abc,0.01,1\n");
  CHECK(error_of([&] { (void)gather_run_report(dir); }) ==
        dir + "/requests.csv:3: column 'ttft_s': 'abc' is not a number");

  dir = run_folder("bad-column");
  write(dir + "/requests.csv", "id,status,ttft_s,tpot_s\n1,completed,0.1,0.01\n");
  CHECK(error_of([&] { (void)gather_run_report(dir); }) ==
        dir + "/requests.csv:1: missing column 'e2e_s'");

  dir = run_folder("bad-fields");
  write(dir + "/steps.csv", std::string(kStepsHeader) + "0,1,10,0.5,0.5,0,0,0,0,0\n0,1\n");
  CHECK(error_of([&] { (void)gather_run_report(dir); }) ==
        dir + "/steps.csv:3: expected 10 fields, got 2");

  dir = run_folder("bad-truncated");
  write(dir + "/steps.csv", std::string(kStepsHeader) + "0,1,10,0.5");
  CHECK(error_of([&] { (void)gather_run_report(dir); }).find("truncated") != std::string::npos);

  dir = run_folder("bad-json");
  write(dir + "/summary.json", "{\n  \"scenario\": \"x\",\n  \"devices\": \n}\n");
  const std::string json_error = error_of([&] { (void)gather_run_report(dir); });
  CHECK(json_error == dir + "/summary.json:4:1: JSON: syntax error while parsing value - "
                         "unexpected '}'; expected '[', '{', or a literal");

  dir = run_folder("bad-name");
  write(dir + "/summary.json", "{\"devices\": 1}\n");
  CHECK(error_of([&] { (void)gather_run_report(dir); }).find("missing key 'scenario'") !=
        std::string::npos);

  dir = sweep_folder("bad-sweep");
  write(dir + "/results.csv", "index,status\n0,ok\n1,\"ok\n");
  CHECK(error_of([&] { (void)gather_sweep_report(dir, {}, false); }) ==
        dir + "/results.csv:3: a quoted field is not closed");
  std::filesystem::remove(dir + "/sweep.json");
  write(dir + "/results.csv", "index,status\n0,ok\n");
  CHECK(error_of([&] { (void)gather_sweep_report(dir, {}, false); })
            == "cannot read " + dir + "/sweep.json");
}
