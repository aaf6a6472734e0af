// The expression language's units, && and ||, parentheses around comparisons, quoted text, the
// bounds a plot draws, and the kind errors, each with the column it points at.
#include <doctest/doctest.h>

#include <map>

#include "analysis/sweep_expr.hpp"

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

}  // namespace

TEST_CASE("expressions: a number may carry a unit, read in SI base units") {
  CHECK(eval("30ms") == doctest::Approx(0.03).epsilon(1e-15));
  CHECK(eval("250us") == doctest::Approx(250e-6).epsilon(1e-15));
  CHECK(eval("2min") == 120);
  CHECK(eval("1h") == 3600);
  CHECK(eval("4/s") == 4);
  CHECK(eval("120/min") == 2);
  CHECK(eval("2000tok/s") == 2000);
  CHECK(eval("80GiB") == 80.0 * 1073741824.0);
  CHECK(eval("3.35TB/s") == doctest::Approx(3.35e12));
  CHECK(eval("1.5e3ms") == doctest::Approx(1.5));
  // A '/' that starts no unit is a division; a unit may be followed by an operator.
  CHECK(eval("8/tp", {{"tp", 2}}) == 4);
  CHECK(eval("8/h", {{"h", 2}}) == doctest::Approx(8.0 / 3600));  // "/h": per hour, a unit
  CHECK(eval("8 / h", {{"h", 2}}) == 4);                           // spaced: a division
  CHECK(eval("8/hidden", {{"hidden", 2}}) == 4);
  CHECK(eval("1s/tp", {{"tp", 4}}) == 0.25);
  CHECK(eval("tpot <= 30ms", {{"tpot", 0.029}}) == 1);
  CHECK(eval("tpot <= 30ms", {{"tpot", 0.031}}) == 0);
  CHECK(parse_error("tpot <= 30parsec") ==
        "unknown unit 'parsec' (units: " + expression_units() + ") at column 11");
  CHECK(parse_error("2x") == "unknown unit 'x' (units: " + expression_units() + ") at column 2");
  CHECK(expression_unit("ms") == doctest::Approx(1e-3));
  CHECK_FALSE(expression_unit("parsec"));
}

TEST_CASE("expressions: && binds tighter than ||, parentheses group comparisons") {
  const std::map<std::string, double> v{{"a", 1}, {"b", 2}, {"c", 3}};
  CHECK(eval("a == 1 && b == 2", v) == 1);
  CHECK(eval("a == 1 && b == 3", v) == 0);
  CHECK(eval("a == 2 || b == 2", v) == 1);
  CHECK(eval("a == 2 || b == 3", v) == 0);
  // true || (false && false) = 1; (true || false) && false = 0.
  CHECK(eval("a == 1 || b == 3 && c == 4", v) == 1);
  CHECK(eval("(a == 1 || b == 3) && c == 4", v) == 0);
  CHECK(Expression::parse("(a < 1) || b > 2").is_comparison());
  CHECK_FALSE(Expression::parse("(a + 1) * 2").is_comparison());
  // || does not read its right side when the left holds.
  CHECK(eval("a == 1 || nope > 0", v) == 1);
  CHECK(eval("a == 2 && nope > 0", v) == 0);
}

TEST_CASE("expressions: kind errors point at the operator") {
  CHECK(parse_error("a && 1") == "'&&' joins comparisons such as 'a <= 1' at column 3");
  CHECK(parse_error("a < 1 || b") == "'||' joins comparisons such as 'a <= 1' at column 7");
  CHECK(parse_error("(a < 1) + 2") == "'+' needs a value, not a comparison at column 9");
  CHECK(parse_error("(a < 1) < 2") == "'<' compares values, not comparisons at column 9");
  CHECK(parse_error("a < 'x'") == "'<' needs numbers; text is compared with == or != at column 3");
  CHECK(parse_error("'x' * 2") == "'*' needs a number, not text at column 5");
  CHECK(parse_error("a == 'x") == "text opened with ' is not closed at column 6");
  CHECK(parse_error("1 < 2 < 3") == "unexpected '<' at column 7");
  CHECK(parse_error("a < 1 & b < 2") == "unexpected '&' at column 7");
}

TEST_CASE("expressions: text values compare with == and != only") {
  const Expression e = Expression::parse("routing == 'grouped' && tp != \"2\"");
  auto lookup = [](const std::string& routing) {
    return [routing](const std::string& n) {
      return n == "routing" ? ExprValue{0, routing} : ExprValue{4, {}};
    };
  };
  CHECK(e.evaluate_values(lookup("grouped")) == 1);
  CHECK(e.evaluate_values(lookup("uniform")) == 0);
  // A number compares with text through its sweep text: 4 == '4'.
  CHECK(Expression::parse("tp == '4'").evaluate_values(lookup("x")) == 1);
  try {
    (void)Expression::parse("1 + routing").evaluate_values(lookup("grouped"));
    FAIL("no error");
  } catch (const ExpressionError& err) {
    CHECK(std::string(err.what()) == "'routing' is 'grouped', not a number at column 5");
    CHECK(err.column() == 5);
  }
}

TEST_CASE("expressions: bounds are the comparisons of a name with a constant") {
  const Expression e =
      Expression::parse("tpot_s.p90 <= 30ms && (0.5s > ttft_s.p90 || x * 2 < 4) && y != -1");
  const auto b = e.bounds();
  REQUIRE(b.size() == 3);
  CHECK(b[0].name == "tpot_s.p90");
  CHECK(b[0].op == "<=");
  CHECK(b[0].value == doctest::Approx(0.03));
  CHECK(b[0].text == "tpot_s.p90 <= 30ms");
  CHECK(b[0].unit == "ms");
  CHECK(b[1].name == "ttft_s.p90");
  CHECK(b[1].op == "<");  // 0.5s > ttft is ttft < 0.5s
  CHECK(b[1].value == 0.5);
  CHECK(b[1].text == "0.5s > ttft_s.p90");
  CHECK(b[1].unit == "s");
  CHECK(b[2].name == "y");
  CHECK(b[2].value == -1);
  CHECK(b[2].text == "y != -1");
  CHECK(b[2].unit.empty());
}
