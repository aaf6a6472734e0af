// The example of docs/sweep-files.md: read from the document, its points checked against the
// document's table, then run with `moesim sweep`, so the reference cannot drift from the code.
#include <doctest/doctest.h>

#include <cctype>
#include <sstream>
#include <string>
#include <vector>

#include "analysis/sweep_spec.hpp"
#include "scenarios/sweep_loader.hpp"
#include "tests/test_support.hpp"

using namespace moesim;
using namespace moesim::test;

namespace {

const std::string kDoc = std::string(MOESIM_SOURCE_DIR) + "/docs/sweep-files.md";

// The ```yaml block after the example marker.
std::string example_yaml(const std::string& doc) {
  const auto marker = doc.find("<!-- sweep-files example -->");
  REQUIRE(marker != std::string::npos);
  const std::string open = "```yaml\n";
  const auto start = doc.find(open, marker);
  REQUIRE(start != std::string::npos);
  const auto end = doc.find("\n```", start + open.size());
  REQUIRE(end != std::string::npos);
  return doc.substr(start + open.size(), end + 1 - start - open.size());
}

// The cells of each row of the document's table of points ("| 0 | 1 | 8 | ...").
std::vector<std::vector<std::string>> point_table(const std::string& doc) {
  std::vector<std::vector<std::string>> rows;
  std::stringstream in(doc.substr(doc.find("<!-- sweep-files example -->")));
  for (std::string line; std::getline(in, line);) {
    const bool row = line.rfind("| ", 0) == 0 && line.size() > 2 &&
                     std::isdigit(static_cast<unsigned char>(line[2]));
    if (!row) {
      if (!rows.empty()) break;
      continue;
    }
    std::vector<std::string> cells;
    std::stringstream cs(line.substr(1));
    for (std::string c; std::getline(cs, c, '|');) {
      const auto b = c.find_first_not_of(' '), e = c.find_last_not_of(' ');
      cells.push_back(b == std::string::npos ? "" : c.substr(b, e - b + 1));
    }
    rows.push_back(cells);
  }
  return rows;
}

std::vector<std::string> csv_statuses(const std::string& csv) {
  std::vector<std::string> out;
  std::stringstream in(csv);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    const auto a = line.find(','), b = line.find(',', a + 1);
    out.push_back(line.substr(a + 1, b - a - 1));
  }
  return out;
}

}  // namespace

TEST_CASE("sweep-files.md: the example's points are the ones its table lists") {
  const std::string doc = read_text(kDoc);
  const SweepFile f = load_sweep_text(example_yaml(doc), kDoc, MOESIM_SOURCE_DIR "/docs");
  CHECK(f.name == "doc-example");
  CHECK(swept_paths(f.spec) ==
        std::vector<std::string>{"deployment.tp", "serving.scheduler.max_num_seqs",
                                 "workload.source.rate", "deployment.dp"});
  REQUIRE(sweep_size(f.spec) == 6);
  const auto table = point_table(doc);
  REQUIRE(table.size() == 6);
  for (std::size_t i = 0; i < 6; ++i) {
    CAPTURE(i);
    const SweepPoint p = sweep_point(f.spec, i);
    const auto& row = table[i];
    REQUIRE(row.size() == 6);
    CHECK(row[0] == std::to_string(i));
    REQUIRE(p.values.size() == 4);
    CHECK(p.values[0].second == row[1]);
    CHECK(p.values[1].second == row[2]);
    CHECK(p.values[2].second == row[3]);
    CHECK(p.values[3].second == row[4]);
    CHECK((p.fate == PointFate::kFiltered) == (row[5].rfind("filtered", 0) == 0));
    CHECK((p.fate == PointFate::kRun) == (row[5] == "ok"));
  }
}

TEST_CASE("sweep-files.md: the example runs, with the statuses of its table") {
  const std::string doc = read_text(kDoc);
  const std::string dir = temp_dir("sweep-doc");
  write_text(dir + "/example.yaml", example_yaml(doc));
  const auto r =
      run_moesim("sweep " + dir + "/example.yaml --jobs 2 --quiet --out " + dir + "/out");
  REQUIRE_MESSAGE(r.status == 0, r.output);
  const std::string csv = read_text(dir + "/out/results.csv");
  CHECK(csv.rfind("index,status,deployment.tp,serving.scheduler.max_num_seqs,"
                  "workload.source.rate,deployment.dp,", 0) == 0);
  const auto statuses = csv_statuses(csv);
  const auto table = point_table(doc);
  REQUIRE(statuses.size() == table.size());
  for (std::size_t i = 0; i < table.size(); ++i) {
    CAPTURE(i);
    CHECK(table[i][5].rfind(statuses[i], 0) == 0);  // "ok", or "filtered (...)"
  }
}
