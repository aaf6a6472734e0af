// Sweep expressions, point enumeration, derived values, filters and shards (no processes).
#include <doctest/doctest.h>

#include <map>
#include <set>

#include "analysis/sweep_expr.hpp"
#include "analysis/sweep_spec.hpp"

using namespace moesim;

namespace {

double eval(const std::string& text, const std::map<std::string, double>& vars = {}) {
  return Expression::parse(text).evaluate([&](const std::string& n) {
    const auto it = vars.find(n);
    if (it == vars.end()) throw ExpressionError("unknown name '" + n + "'", 0);
    return it->second;
  });
}

std::string parse_error(const std::string& text) {
  try {
    (void)Expression::parse(text);
  } catch (const ExpressionError& e) {
    return e.what();
  }
  return "(no error)";
}

SweepAxis grid(const std::string& path, std::vector<std::string> values) {
  return {AxisKind::kGrid, path, std::move(values), ""};
}
SweepAxis zip(const std::string& path, std::vector<std::string> values) {
  return {AxisKind::kZip, path, std::move(values), ""};
}
SweepAxis derived(const std::string& path, const std::string& expr) {
  return {AxisKind::kDerived, path, {}, expr};
}

// "a=1 b=x" for a point's values.
std::string values_text(const SweepPoint& p) {
  std::string out;
  for (const auto& [k, v] : p.values) out += (out.empty() ? "" : " ") + k + "=" + v;
  return out;
}

}  // namespace

TEST_CASE("expressions: precedence, associativity, unary minus, parentheses") {
  CHECK(eval("2 + 3 * 4") == 14);  // * binds tighter than +
  CHECK(eval("(2 + 3) * 4") == 20);
  CHECK(eval("1 - 2 - 3") == -4);  // left-associative: (1 - 2) - 3
  CHECK(eval("8 / 2 / 2") == 2);   // (8 / 2) / 2
  CHECK(eval("-2 * -3") == 6);
  CHECK(eval("7 / 2") == 3.5);
  CHECK(eval("1e3 + .5") == 1000.5);
  CHECK(eval("devices / deployment.tp", {{"devices", 16}, {"deployment.tp", 4}}) == 4);
}

TEST_CASE("expressions: comparisons give 1 or 0, equality tolerates decimal rounding") {
  const std::map<std::string, double> v{{"deployment.tp", 2}, {"deployment.ep", 4}};
  CHECK(eval("deployment.tp * deployment.ep <= 8", v) == 1);  // 2 x 4 = 8
  CHECK(eval("deployment.tp * deployment.ep < 8", v) == 0);
  CHECK(eval("deployment.ep >= 2 * deployment.tp", v) == 1);
  CHECK(eval("deployment.ep > 2 * deployment.tp", v) == 0);
  CHECK(eval("deployment.ep != 4", v) == 0);
  CHECK(eval("0.1 * 3 == 0.3") == 1);  // 0.30000000000000004 within 1e-9 relative
  CHECK(Expression::parse("a <= 1").is_comparison());
  CHECK_FALSE(Expression::parse("a + 1").is_comparison());
}

TEST_CASE("expressions: names in order of first use, with columns") {
  const Expression e = Expression::parse("devices / deployment.tp + devices");
  CHECK(e.names() == std::vector<std::string>{"devices", "deployment.tp"});
  CHECK(e.column_of("deployment.tp") == 11);
  CHECK(e.column_of("absent") == 0);
}

TEST_CASE("expressions: syntax and evaluation errors name the column") {
  CHECK(parse_error("2 +") ==
        "expected a number, a name or '(' but the expression ended at column 4");
  CHECK(parse_error("(1 + 2") == "expected ')' at column 7");
  CHECK(parse_error("a = 1") == "'=' is not a comparison (use '==') at column 3");
  CHECK(parse_error("1 < 2 < 3") == "unexpected '<' at column 7");
  CHECK(parse_error("a. + 1") == "a name cannot end with '.' at column 3");
  CHECK(parse_error("2 $ 3") == "unexpected '$' at column 3");
  try {
    (void)eval("1 / (2 - 2)");
    FAIL("no error");
  } catch (const ExpressionError& e) {
    CHECK(std::string(e.what()) == "division by zero at column 3");
  }
  try {
    (void)eval("1 + nope");
    FAIL("no error");
  } catch (const ExpressionError& e) {
    CHECK(std::string(e.what()) == "unknown name 'nope' at column 5");
  }
}

TEST_CASE("sweep numbers: integral values print as integers") {
  CHECK(format_sweep_number(4.0) == "4");
  CHECK(format_sweep_number(-2.0) == "-2");
  CHECK(format_sweep_number(0.5) == "0.5");
  CHECK(format_sweep_number(1.0 / 3.0) == "0.3333333333333333");
  double v = 0;
  CHECK(parse_sweep_number("1e3", v));
  CHECK(v == 1000);
  CHECK_FALSE(parse_sweep_number("80GiB", v));
  CHECK_FALSE(parse_sweep_number("inf", v));
  CHECK_FALSE(parse_sweep_number("0x10", v));
  CHECK_FALSE(parse_sweep_number("", v));
}

TEST_CASE("enumeration: zip rows outer, grid inner, last grid axis fastest") {
  SweepSpec s;
  // Written order: grid a, grid b, zip c, zip d. 2 zip rows x (2 x 3) grid = 12 points.
  s.axes = {grid("a", {"1", "2"}), grid("b", {"x", "y", "z"}), zip("c", {"10", "20"}),
            zip("d", {"p", "q"})};
  REQUIRE(check_sweep(s).empty());
  REQUIRE(sweep_size(s) == 12);
  CHECK(values_text(sweep_point(s, 0)) == "a=1 b=x c=10 d=p");
  CHECK(values_text(sweep_point(s, 1)) == "a=1 b=y c=10 d=p");  // b varies fastest
  CHECK(values_text(sweep_point(s, 3)) == "a=2 b=x c=10 d=p");  // then a
  CHECK(values_text(sweep_point(s, 5)) == "a=2 b=z c=10 d=p");
  CHECK(values_text(sweep_point(s, 6)) == "a=1 b=x c=20 d=q");  // then the zip row
  CHECK(values_text(sweep_point(s, 11)) == "a=2 b=z c=20 d=q");
  CHECK(sweep_point(s, 7).overrides() == std::vector<std::string>{"a=1", "b=y", "c=20", "d=q"});
  CHECK(swept_paths(s) == std::vector<std::string>{"a", "b", "c", "d"});
  // Only a grid; only a zip.
  SweepSpec g;
  g.axes = {grid("a", {"1", "2", "3"})};
  CHECK(sweep_size(g) == 3);
  SweepSpec z;
  z.axes = {zip("a", {"1", "2"}), zip("b", {"3", "4"})};
  CHECK(sweep_size(z) == 2);
  CHECK(values_text(sweep_point(z, 1)) == "a=2 b=4");
}

TEST_CASE("derived values: devices from the point or the base, dependency order, integers") {
  SweepSpec s;
  // y is written before the x it reads; both resolve. devices = 2 nodes x 4 from the base = 8.
  s.axes = {grid("deployment.tp", {"1", "2", "4", "16"}), derived("y", "x + 1"),
            derived("x", "deployment.tp * 2"), derived("deployment.ep", "devices / deployment.tp")};
  s.base_values = {{"cluster.nodes", "2"}, {"cluster.devices_per_node", "4"}};
  REQUIRE(check_sweep(s).empty());
  CHECK(values_text(sweep_point(s, 0)) == "deployment.tp=1 y=3 x=2 deployment.ep=8");
  CHECK(values_text(sweep_point(s, 2)) == "deployment.tp=4 y=9 x=8 deployment.ep=2");
  CHECK(values_text(sweep_point(s, 3)) == "deployment.tp=16 y=33 x=32 deployment.ep=0.5");
  // A swept cluster size takes precedence over the base: 3 nodes x 4 = 12 devices.
  s.axes.push_back(grid("cluster.nodes", {"1", "3"}));
  CHECK(values_text(sweep_point(s, 1)) ==
        "deployment.tp=1 y=3 x=2 deployment.ep=12 cluster.nodes=3");
}

TEST_CASE("derived values: a failure makes the point invalid with the reason") {
  SweepSpec s;
  s.axes = {grid("a", {"0", "2"}), grid("m", {"big"}), derived("b", "4 / a")};
  REQUIRE(check_sweep(s).empty());
  const SweepPoint p = sweep_point(s, 0);
  CHECK(p.fate == PointFate::kInvalid);
  CHECK(p.reason == "derived b: division by zero at column 3");
  CHECK(values_text(p) == "a=0 m=big");  // b is absent
  CHECK(sweep_point(s, 1).fate == PointFate::kRun);
  SweepSpec t;
  t.axes = {grid("m", {"big"}), derived("b", "m * 2")};
  const SweepPoint q = sweep_point(t, 0);
  CHECK(q.fate == PointFate::kInvalid);
  CHECK(q.reason == "derived b: 'm' is 'big', not a number at column 1");
}

TEST_CASE("filters: the first failing filter is the reason, passing points run") {
  SweepSpec s;
  s.axes = {grid("deployment.tp", {"1", "2", "4", "8"}), grid("deployment.ep", {"1", "8"})};
  s.filters = {"deployment.tp * deployment.ep <= 8", "deployment.tp <= 4"};
  REQUIRE(check_sweep(s).empty());
  std::vector<std::string> fates;
  for (std::size_t i = 0; i < sweep_size(s); ++i) {
    const SweepPoint p = sweep_point(s, i);
    fates.push_back(p.fate == PointFate::kRun ? "run" : p.reason);
  }
  // (tp, ep): (1,1) (1,8) (2,1) (2,8) (4,1) (4,8) (8,1) (8,8)
  const std::string f1 = "deployment.tp * deployment.ep <= 8";
  const std::string f2 = "deployment.tp <= 4";
  CHECK(fates == std::vector<std::string>{"run", "run", "run", f1, "run", f1, f2, f1});
  CHECK(sweep_point(s, 3).fate == PointFate::kFiltered);
}

TEST_CASE("shards: every index in exactly one shard") {
  for (std::size_t size : {0u, 1u, 5u, 12u, 101u}) {
    for (std::size_t count : {1u, 2u, 3u, 7u, 200u}) {
      std::multiset<std::size_t> seen;
      for (std::size_t shard = 0; shard < count; ++shard) {
        for (std::size_t i : shard_indices(size, shard, count)) {
          CHECK(i % count == shard);
          seen.insert(i);
        }
      }
      REQUIRE(seen.size() == size);
      for (std::size_t i = 0; i < size; ++i) CHECK(seen.count(i) == 1);
    }
  }
}

TEST_CASE("check_sweep: every problem of a spec at once") {
  SweepSpec s;
  s.axes = {zip("a", {"1", "2"}),  zip("b", {"1"}),          grid("c", {}),
            grid("a", {"1"}),      derived("d", "a <= 1"),   derived("e", "f + 1"),
            derived("f", "e * 2"), derived("g", "a + nope"), grid("bad..path", {"1"})};
  s.filters = {"a + 1", "a <"};
  std::vector<std::string> got;
  for (const auto& p : check_sweep(s)) {
    const char* item = p.item == SweepProblem::Item::kAxis     ? "axis "
                       : p.item == SweepProblem::Item::kFilter ? "filter "
                                                               : "spec ";
    got.push_back(item + std::to_string(p.index) + ": " + p.message);
  }
  CHECK(got == std::vector<std::string>{
                   "axis 1: zip lists must have equal lengths: 'a' has 2 values, 'b' has 1",
                   "axis 2: expected a non-empty list of values", "axis 3: 'a' is swept twice",
                   "axis 4: a derived value is arithmetic, not a comparison: 'a <= 1'",
                   "axis 7: unknown name 'nope' at column 5 of 'a + nope'; valid: a, b, c, d, e, "
                   "f, g, bad..path, devices",
                   "axis 8: 'bad..path' is not a key path like 'deployment.tp'",
                   "axis 5: derived values depend on themselves: e -> f -> e",
                   "filter 0: a filter is a comparison such as 'deployment.tp * deployment.ep <= "
                   "8', got 'a + 1'",
                   "filter 1: bad filter 'a <': expected a number, a name or '(' but the "
                   "expression ended at column 4"});
  SweepSpec none;
  none.axes = {derived("x", "1")};
  REQUIRE(check_sweep(none).size() == 1);
  CHECK(check_sweep(none)[0].message == "a sweep needs at least one axis in 'grid' or 'zip'");
  SweepSpec huge;
  for (const char* k : {"k0", "k1", "k2", "k3", "k4", "k5", "k6"}) {
    huge.axes.push_back(grid(k, std::vector<std::string>(10, "1")));  // 10^7 points
  }
  REQUIRE(check_sweep(huge).size() == 1);
  CHECK(check_sweep(huge)[0].message == "the sweep has more than 1000000 points");
}

TEST_CASE("expressions: a number out of double range is a bad number at its column") {
  CHECK(parse_error("2 * 1e999") == "bad number at column 5");
}
