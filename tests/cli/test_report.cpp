// `moesim report DIR`: a page from a real run folder, the same bytes twice, self-contained; bad
// input exits 2 with the file, line and column and writes nothing.
#include <doctest/doctest.h>

#include <filesystem>

#include "tests/test_support.hpp"

using namespace moesim::test;

namespace {

bool no_page(const std::string& dir) {
  return !std::filesystem::exists(dir + "/report.html") &&
         !std::filesystem::exists(dir + "/report.html.partial");
}

}  // namespace

TEST_CASE("report: a run folder's page, byte-identical twice, no URL") {
  const std::string dir = temp_dir("report-run");
  auto r = run_moesim("run --quiet --set workload.source.requests=20 --out " + dir + "/run");
  REQUIRE(r.status == 0);
  r = run_moesim("report " + dir + "/run");
  CHECK(r.status == 0);
  CHECK(r.output == "written: " + dir + "/run/report.html\n");
  const std::string first = read_text(dir + "/run/report.html");
  r = run_moesim("report " + dir + "/run --out " + dir + "/again.html");
  CHECK(r.status == 0);
  CHECK(read_text(dir + "/again.html") == first);
  CHECK(first.find("://") == std::string::npos);
  CHECK(first.find("<script type=\"application/json\" id=\"report-data\">{\"kind\":\"run\"") !=
        std::string::npos);
}

TEST_CASE("report: bad input exits 2 and writes nothing") {
  const std::string dir = temp_dir("report-bad");
  auto r = run_moesim("report " + dir + "/missing");
  CHECK(r.status == 2);
  CHECK(r.output.find(dir + "/missing: no such folder") != std::string::npos);

  r = run_moesim("report " + dir);
  CHECK(r.status == 2);
  CHECK(r.output.find("neither a run folder") != std::string::npos);
  CHECK(no_page(dir));

  write_text(dir + "/summary.json", "{\"scenario\": \"x\"}\n");
  write_text(dir + "/requests.csv", "id,status,ttft_s,tpot_s,e2e_s\n1,completed,0.1,oops,1\n");
  r = run_moesim("report " + dir);
  CHECK(r.status == 2);
  CHECK(r.output.find(dir + "/requests.csv:2: column 'tpot_s': 'oops' is not a number") !=
        std::string::npos);
  CHECK(no_page(dir));

  write_text(dir + "/summary.json", "{\"scenario\": \"x\",\n\"devices\": [1,}\n");
  r = run_moesim("report " + dir);
  CHECK(r.status == 2);
  CHECK(r.output.find(dir + "/summary.json:2:15: JSON: syntax error while parsing value") !=
        std::string::npos);
  CHECK(no_page(dir));

  r = run_moesim("report");
  CHECK(r.status == 2);
  r = run_moesim("report " + dir + " --top 0");
  CHECK(r.status == 2);
}
