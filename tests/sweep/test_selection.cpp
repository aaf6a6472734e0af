// Configuration selection on hand-made results tables: constraints, ranking, removed-by counts,
// the Pareto front, and the Markdown, CSV and SVG outputs.
#include <doctest/doctest.h>

#include "analysis/selection.hpp"
#include "models/errors.hpp"

using namespace moesim;

namespace {

// Seven points. (throughput per device, 1 / mean TPOT):
//   0: (100, 100)  1: (150, 50)  2: (120, 40)  5: (90, 125)  6: (95, 80)
// Point 6 is dominated by point 0 (100 >= 95 and 100 >= 80); 0, 1 and 5 are the front.
// Point 2 breaks the TPOT p90 constraint, 3 did not fit, 4 was filtered by the sweep.
const char* kTable =
    "index,status,deployment.tp,serving.x,throughput_output_tokens_per_s_per_device,tpot_s.mean,"
    "tpot_s.p90,error\n"
    "0,ok,1,a,100,0.01,0.02,\n"
    "1,ok,2,a,150,0.02,0.04,\n"
    "2,ok,4,a,120,0.025,0.06,\n"
    "3,invalid,8,a,,,,\"base.yaml:1:1: error: x, \"\"y\"\"\"\n"
    "4,filtered,8,b,,,,deployment.tp <= 4\n"
    "5,ok,1,b,90,0.008,0.01,\n"
    "6,ok,2,b,95,0.0125,0.03,\n";

SelectionRequest request(std::size_t top) {
  SelectionRequest r;
  r.objective = kFrontThroughput;
  r.constraints = {parse_constraint("fits_memory"), parse_constraint("tpot_s.p90 <= 0.05")};
  r.top = top;
  r.knobs = {"deployment.tp", "serving.x"};
  return r;
}

}  // namespace

TEST_CASE("parse_csv: quoted fields, CRLF, a last line without newline, short rows") {
  const CsvTable t = parse_csv("a,b,c\r\n1,\"x, \"\"y\"\"\nz\",3\r\n4\n5,6,7", "r.csv");
  CHECK(t.header == std::vector<std::string>{"a", "b", "c"});
  REQUIRE(t.rows.size() == 3);
  CHECK(t.rows[0] == std::vector<std::string>{"1", "x, \"y\"\nz", "3"});
  CHECK(t.rows[1] == std::vector<std::string>{"4", "", ""});
  CHECK(t.rows[2] == std::vector<std::string>{"5", "6", "7"});
  CHECK(*t.column("c") == 2);
  CHECK_FALSE(t.column("d"));
  CHECK_THROWS_WITH_AS((void)parse_csv("a\n\"open", "r.csv"),
                       "r.csv:2: a quoted field is not closed",
                       InputError);
}

// Regression: a results.csv saved by a spreadsheet program starts with a UTF-8 byte order mark,
// which became part of the first column's name: `select` found no column `index`.
TEST_CASE("parse_csv: a UTF-8 byte order mark at the start is skipped") {
  const CsvTable t = parse_csv("\xEF\xBB\xBFindex,status\n0,ok\n", "r.csv");
  CHECK(t.header == std::vector<std::string>{"index", "status"});
  CHECK(*t.column("index") == 0);
  REQUIRE(t.rows.size() == 1);
  CHECK_THROWS_WITH_AS((void)parse_csv("\xEF\xBB\xBF", "r.csv"), "r.csv: no header line",
                       InputError);
  CHECK(parse_csv("a\n\xEF\xBB\xBF\n", "r.csv").rows[0] ==
        std::vector<std::string>{"\xEF\xBB\xBF"});
}

TEST_CASE("constraints: the sweep expression language, the plain form, fits_memory, errors") {
  const Constraint c = parse_constraint(" tpot_s.p90<=0.05 ");
  CHECK(c.text == "tpot_s.p90<=0.05");
  REQUIRE(c.expr);
  CHECK(c.expr->names() == std::vector<std::string>{"tpot_s.p90"});
  CHECK(parse_constraint("fits_memory").fits_memory);
  CHECK_FALSE(parse_constraint("fits_memory").expr);
  // The plain "COLUMN == WORD" compares text; a number stays a number.
  CHECK(parse_constraint("hardware!=h100-sxm").expr->text() == "hardware != 'h100-sxm'");
  CHECK(parse_constraint("serving.x==b").expr->text() == "serving.x == 'b'");
  CHECK(parse_constraint("a == 4/s").expr->text() == "a == 4/s");
  CHECK_THROWS_WITH_AS((void)parse_constraint("tpot_s.p90 * 2"),
                       "--constraint 'tpot_s.p90 * 2': expected a comparison such as "
                       "'tpot_s.p90 <= 50ms' (or several joined with && and ||), or fits_memory",
                       ConfigError);
  CHECK_THROWS_WITH_AS((void)parse_constraint("tpot"),
                       "--constraint 'tpot': expected a comparison such as 'tpot_s.p90 <= 50ms' "
                       "(or several joined with && and ||), or fits_memory",
                       ConfigError);
  CHECK_THROWS_WITH_AS((void)parse_constraint("tpot_s.p90 <= 30 ms && (a > 1"),
                       "--constraint 'tpot_s.p90 <= 30 ms && (a > 1': unexpected 'm' at column 18",
                       ConfigError);
}

TEST_CASE("selection: ranking, first removing constraint, Pareto front, differing knobs") {
  const CsvTable t = parse_csv(kTable, "r.csv");
  const Selection s = select_points(t, request(3));
  CHECK(s.ranked == std::vector<std::size_t>{1, 0, 6, 5});  // 150, 100, 95, 90
  CHECK(s.pareto == std::vector<bool>{true, true, false, false, false, true, false});
  using R = std::pair<std::string, std::size_t>;
  // The invalid point's error is not about memory: it is removed by its status, after the
  // value constraints.
  CHECK(s.removed == std::vector<R>{{"sweep filter 'deployment.tp <= 4'", 1},
                                    {"tpot_s.p90 <= 0.05", 1},
                                    {"status invalid", 1}});
  // Every knob is shown, even serving.x, equal ('a') across the top 2 rows 1 and 0.
  CHECK(s.shown_knobs == std::vector<std::string>{"deployment.tp", "serving.x"});
  CHECK(select_points(t, request(2)).shown_knobs ==
        std::vector<std::string>{"deployment.tp", "serving.x"});
  // The objective, the constrained column, then the column the x axis (1/tpot_s.mean) reads.
  CHECK(s.shown_columns ==
        std::vector<std::string>{kFrontThroughput, "tpot_s.p90", "tpot_s.mean"});
  // Minimising TPOT p90 instead: 0.01, 0.02, 0.03, 0.04.
  SelectionRequest m = request(10);
  m.objective = "tpot_s.p90";
  m.minimize = true;
  CHECK(select_points(t, m).ranked == std::vector<std::size_t>{5, 0, 6, 1});
  // Without constraints the invalid point is still dropped, by its status.
  SelectionRequest none = request(10);
  none.constraints.clear();
  CHECK(select_points(t, none).removed ==
        std::vector<R>{{"sweep filter 'deployment.tp <= 4'", 1}, {"status invalid", 1}});
  // Text equality over a knob.
  SelectionRequest text = request(10);
  text.constraints = {parse_constraint("serving.x==b")};
  CHECK(select_points(t, text).ranked == std::vector<std::size_t>{6, 5});
}

TEST_CASE("selection: equal points are all on the front, a tie in x keeps the better y") {
  // (x, 1/tpot): (1, 1), (1, 1), (1, 0.5), (2, 0.5): row 2 is dominated by row 0 (same x,
  // better y); rows 0 and 1 do not dominate each other; row 3 has the largest x.
  const CsvTable t = parse_csv(
      "index,status,throughput_output_tokens_per_s_per_device,tpot_s.mean\n"
      "0,ok,1,1\n1,ok,1,1\n2,ok,1,2\n3,ok,2,2\n", "r.csv");
  SelectionRequest r;
  r.objective = kFrontThroughput;
  CHECK(select_points(t, r).pareto == std::vector<bool>{true, true, false, true});
}

TEST_CASE("selection: unknown columns are errors") {
  const CsvTable t = parse_csv(kTable, "r.csv");
  SelectionRequest r = request(3);
  r.objective = "throughput";
  CHECK_THROWS_WITH_AS(
      (void)select_points(
          t, r,
          [](const std::string& w, const std::vector<std::string>&) { return "no '" + w + "'"; }),
      "unknown objective column 'throughput'; no 'throughput'", ConfigError);
  r = request(3);
  r.constraints.push_back(parse_constraint("tpot_s.p95<0.1"));
  CHECK_THROWS_WITH_AS((void)select_points(t, r),
                       "--constraint 'tpot_s.p95<0.1': unknown column 'tpot_s.p95' at column 1; "
                       "columns: index, status, "
                       "deployment.tp, serving.x, throughput_output_tokens_per_s_per_device, "
                       "tpot_s.mean, tpot_s.p90, error",
                       ConfigError);
}

TEST_CASE("selection outputs: Markdown table, CSV, Pareto scatter") {
  const CsvTable t = parse_csv(kTable, "r.csv");
  const SelectionRequest r = request(3);
  const Selection s = select_points(t, r);
  CHECK(selection_markdown(t, r, s) ==
        "| rank | index | deployment.tp | serving.x | throughput_output_tokens_per_s_per_device | "
        "tpot_s.p90 | tpot_s.mean |\n"
        "| ---: | ----: | ------------- | --------- | ----------------------------------------: | "
        "---------: | ----------: |\n"
        "|   1* |     1 | 2             | a         |                                       150 | "
        "      0.04 |        0.02 |\n"
        "|   2* |     0 | 1             | a         |                                       100 | "
        "      0.02 |        0.01 |\n"
        "|    3 |     6 | 2             | b         |                                        95 | "
        "      0.03 |      0.0125 |\n"
        "\n"
        "4 of 7 points meet every constraint; the top 3 by "
        "throughput_output_tokens_per_s_per_device (highest first).\n"
        "A '*' after the rank marks the Pareto front of throughput_output_tokens_per_s_per_device "
        "(max) versus 1/tpot_s.mean (max) among them; pareto.svg labels its points with their "
        "index.\n"
        "\n"
        "- removed by sweep filter 'deployment.tp <= 4': 1 point\n"
        "- removed by tpot_s.p90 <= 0.05: 1 point\n"
        "- removed by status invalid: 1 point\n");
  CHECK(selection_csv(t, r, s) ==
        "rank,index,pareto,deployment.tp,serving.x,throughput_output_tokens_per_s_per_device,"
        "tpot_s.p90,tpot_s.mean\n"
        "1,1,1,2,a,150,0.04,0.02\n"
        "2,0,1,1,a,100,0.02,0.01\n"
        "3,6,0,2,b,95,0.03,0.0125\n");
  const std::string svg = pareto_svg(t, r, s);
  CHECK(svg.rfind("<?xml", 0) == 0);
  CHECK(svg.find("<svg") != std::string::npos);
  CHECK(svg.find("</svg>") != std::string::npos);
  CHECK(svg.find("meet the constraints") != std::string::npos);
  CHECK(svg.find("fail a constraint") != std::string::npos);  // point 2
  CHECK(svg.find("Pareto front") != std::string::npos);
}

TEST_CASE("display values: integers, one decimal from 1000, else 4 significant digits") {
  CHECK(display_value("150") == "150");
  CHECK(display_value("1461.5123") == "1461.5");
  CHECK(display_value("0.0052712345") == "0.005271");
  CHECK(display_value("12.3456") == "12.35");
  CHECK(display_value("h100-sxm") == "h100-sxm");
  CHECK(display_value("") == "");
}

// Regression (reliability issue, item 2): all-1-token outputs wrote tpot_s.mean as 0 (count 0),
// so "tpot_s.mean <= 0.05" passed a point whose TPOT is undefined. summary.json now writes null,
// results.csv shows "null", and a null fails every constraint, counted under its own reason.
TEST_CASE("select: a null value fails every constraint, and the removal says so") {
  const CsvTable t = parse_csv(
      "index,status,throughput_output_tokens_per_s_per_device,tpot_s.mean,error\n"
      "0,ok,100,0.01,\n"
      "1,ok,300,null,\n"
      "2,ok,200,0.09,\n"
      "3,ok,400,null,\n", "r.csv");
  SelectionRequest r;
  r.objective = kFrontThroughput;
  r.constraints = {parse_constraint("tpot_s.mean <= 0.05")};
  const Selection s = select_points(t, r);
  CHECK(s.ranked == std::vector<std::size_t>{0});
  using Removed = std::vector<std::pair<std::string, std::size_t>>;
  CHECK(s.removed == Removed{{"tpot_s.mean <= 0.05", 1},
                             {"tpot_s.mean <= 0.05 (tpot_s.mean is null: undefined for the point)",
                              2}});
  r.constraints = {parse_constraint("tpot_s.mean != 0.05")};
  CHECK(select_points(t, r).ranked == std::vector<std::size_t>{2, 0});
  CHECK(selection_markdown(t, r, select_points(t, r))
            .find("- removed by tpot_s.mean != 0.05 (tpot_s.mean is null: undefined for the "
                  "point): 2 points\n") != std::string::npos);
}

namespace {

// Four points: (throughput per device, TPOT p90, TPOT mean)
//   0: (100, 0.02, 0.010)  1: (150, 0.05, 0.012)  2: (120, 0.03, 0.020)  3: (110, 0.04, 0.011)
const char* kAxesTable =
    "index,status,deployment.tp,deployment.ep,throughput_output_tokens_per_s_per_device,"
    "tpot_s.p90,tpot_s.mean,error\n"
    "0,ok,1,4,100,0.02,0.010,\n"
    "1,ok,2,4,150,0.05,0.012,\n"
    "2,ok,4,4,120,0.03,0.020,\n"
    "3,ok,8,4,110,0.04,0.011,\n";

SelectionRequest axes_request() {
  SelectionRequest r;
  r.objective = kFrontThroughput;
  r.knobs = {"deployment.tp", "deployment.ep"};
  return r;
}

}  // namespace

TEST_CASE("select: the front is computed on the chosen axes and directions") {
  const CsvTable t = parse_csv(kAxesTable, "r.csv");
  SelectionRequest r = axes_request();
  // Default axes (1/mean TPOT, throughput), both maximised: (100, 100), (83.3, 150), (50, 120),
  // (90.9, 110). Point 2 is dominated by point 1; point 3 by none.
  CHECK(select_points(t, r).pareto == std::vector<bool>{true, true, false, true});
  // x = TPOT p90, lower better: (0.02, 100), (0.05, 150), (0.03, 120), (0.04, 110). Point 3 is
  // dominated by point 2 (0.03 < 0.04 and 120 > 110); 2 by none (only 1 has more, at 0.05).
  r.x = {"tpot_s.p90", true, "", "--x"};
  CHECK(select_points(t, r).pareto == std::vector<bool>{true, true, true, false});
  // y = TPOT mean, lower better too: point 0 (0.02, 0.010) is lowest on both and dominates all.
  r.y = {"tpot_s.mean", true, "", "--y"};
  const Selection s = select_points(t, r);
  CHECK(s.pareto == std::vector<bool>{true, false, false, false});
  REQUIRE(s.axes[3]);
  CHECK(*s.axes[3] == std::pair<double, double>{0.04, 0.011});
  // An expression on an axis: tokens per second per user from the p90.
  r.y = {"1000 / tpot_s.p90", false, "", "--y"};  // 50000, 20000, 33333, 25000
  CHECK(select_points(t, r).axes[1]->second == doctest::Approx(20000));
  CHECK(select_points(t, r).pareto == std::vector<bool>{true, false, false, false});
}

TEST_CASE("select: constraints with units, || and repetition (all must hold)") {
  const CsvTable t = parse_csv(kAxesTable, "r.csv");
  SelectionRequest r = axes_request();
  // p90 <= 35 ms keeps 0 and 2; >= 140 tok/s adds 1; 3 (40 ms, 110 tok/s) fails both.
  r.constraints = {parse_constraint(
      "tpot_s.p90 <= 35ms || throughput_output_tokens_per_s_per_device >= 140tok/s")};
  Selection s = select_points(t, r);
  CHECK(s.ranked == std::vector<std::size_t>{1, 2, 0});
  using Removed = std::vector<std::pair<std::string, std::size_t>>;
  CHECK(s.removed ==
        Removed{{"tpot_s.p90 <= 35ms || throughput_output_tokens_per_s_per_device >= 140tok/s",
                 1}});
  CHECK(s.meets == std::vector<bool>{true, true, true, false});
  // A second constraint: the mean under 15 ms removes point 2 (20 ms).
  r.constraints.push_back(parse_constraint("(tpot_s.mean < 15ms)"));
  s = select_points(t, r);
  CHECK(s.ranked == std::vector<std::size_t>{1, 0});
  CHECK(s.removed.back() == std::pair<std::string, std::size_t>{"(tpot_s.mean < 15ms)", 1});
}

TEST_CASE("select: every swept knob is kept in the tables, even one equal across the rows") {
  const CsvTable t = parse_csv(kAxesTable, "r.csv");
  SelectionRequest r = axes_request();
  r.top = 1;  // one row: no knob differs, and deployment.ep is 4 everywhere
  const Selection s = select_points(t, r);
  const std::string md = selection_markdown(t, r, s);
  CHECK(md.rfind("| rank | index | deployment.tp | deployment.ep | "
                 "throughput_output_tokens_per_s_per_device | tpot_s.mean |\n",
                 0) == 0);
  CHECK(md.find("|   1* |     1 | 2             | 4             |") != std::string::npos);
  CHECK(selection_csv(t, r, s) ==
        "rank,index,pareto,deployment.tp,deployment.ep,throughput_output_tokens_per_s_per_device,"
        "tpot_s.mean\n1,1,1,2,4,150,0.012\n");
}

namespace {
std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}
}  // namespace

TEST_CASE("select: pareto.svg labels every point and draws the SLO on its axis") {
  const CsvTable t = parse_csv(kAxesTable, "r.csv");
  SelectionRequest r = axes_request();
  r.x = {"tpot_s.p90", true, "", "--x"};
  r.constraints = {parse_constraint("tpot_s.p90 <= 35ms && deployment.tp < 8")};
  const Selection s = select_points(t, r);
  CHECK(s.meets == std::vector<bool>{true, false, true, false});
  const std::string svg = pareto_svg(t, r, s);
  // One tooltip per point, with the knob that differs (tp; ep is 4 everywhere) and the axes.
  CHECK(count(svg, "<title>") == 4);
  CHECK(svg.find("<title>index 3\ndeployment.tp = 8\ntpot_s.p90 = 0.04\n"
                 "throughput_output_tokens_per_s_per_device = 110</title>") != std::string::npos);
  CHECK(svg.find("deployment.ep =") == std::string::npos);
  // The SLO on the x axis: one dashed line with its text; tp < 8 is on no axis.
  CHECK(count(svg, "stroke-dasharray") == 1);
  CHECK(svg.find(">tpot_s.p90 &lt;= 35ms</text>") != std::string::npos);
  // Points 1 and 3 fail: hollow grey; the front (0 and 2, lower p90 and more throughput) carries
  // visible labels with their index.
  CHECK(svg.find("fail a constraint") != std::string::npos);
  CHECK(count(svg, "stroke:#999999") == 2);  // the points' group and the legend swatch
  CHECK(s.pareto == std::vector<bool>{true, false, true, false});
  CHECK(count(svg, "class=\"point-label\"") == 2);
  CHECK(svg.find("class=\"point-label\">2</text>") != std::string::npos);
  CHECK(svg == pareto_svg(t, r, s));  // deterministic
}

TEST_CASE("select: a bad axis names the option, the expression and the column") {
  const CsvTable t = parse_csv(kAxesTable, "r.csv");
  SelectionRequest r = axes_request();
  r.x = {"1 / tpot_s.maen", false, "", "--x"};
  CHECK_THROWS_WITH_AS(
      (void)select_points(
          t, r, [](const std::string& w, const std::vector<std::string>&) { return "no " + w; }),
      "--x '1 / tpot_s.maen': unknown column 'tpot_s.maen' at column 5; no tpot_s.maen",
      ConfigError);
  r.x = {"tpot_s.p90 <= 1", false, "", "--x"};
  CHECK_THROWS_WITH_AS((void)select_points(t, r),
                       "--x 'tpot_s.p90 <= 1': an axis is a column or arithmetic over columns, "
                       "not a comparison at column 1",
                       ConfigError);
  r.x = {"tpot_s.p90", true, "", "--x"};
  r.y = {"tpot_s.p90 *", false, "", "--y"};
  CHECK_THROWS_WITH_AS((void)select_points(t, r),
                       "--y 'tpot_s.p90 *': expected a number, a name or '(' but the expression "
                       "ended at column 13",
                       ConfigError);
}
