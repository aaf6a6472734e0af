// The expression corpus shared with the report page's copy of the language
// (tests/browser/expr_corpus.txt): each expression evaluated by analysis/sweep_expr against the
// corpus's row gives the line recorded in tests/browser/expr_expected.txt, which the browser test
// requires of the page's JavaScript too. MOESIM_UPDATE_EXPECTED=1 rewrites the record.
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "analysis/sweep_expr.hpp"

using namespace moesim;

namespace {

const std::string kCorpus = std::string(MOESIM_SOURCE_DIR) + "/tests/browser/expr_corpus.txt";
const std::string kExpected = std::string(MOESIM_SOURCE_DIR) + "/tests/browser/expr_expected.txt";

struct Corpus {
  std::map<std::string, ExprValue> row;
  std::vector<std::string> expressions;
};

Corpus read_corpus() {
  std::ifstream in(kCorpus);
  REQUIRE_MESSAGE(in.good(), "cannot read " << kCorpus);
  Corpus c;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (line.rfind("@ ", 0) != 0) {
      c.expressions.push_back(line);
      continue;
    }
    const auto eq = line.find(" = ");
    REQUIRE_MESSAGE(eq != std::string::npos, "a row line without ' = ': " << line);
    const std::string name = line.substr(2, eq - 2), value = line.substr(eq + 3);
    if (value.size() >= 2 && value.front() == '\'' && value.back() == '\'') {
      c.row[name] = ExprValue{0, value.substr(1, value.size() - 2)};
    } else {
      double v = 0;
      REQUIRE_MESSAGE(parse_sweep_number(value, v), "not a number: " << line);
      c.row[name] = ExprValue{v, {}};
    }
  }
  return c;
}

// "value V" (17 significant digits) or "error COLUMN MESSAGE".
std::string result_of(const std::string& text, const std::map<std::string, ExprValue>& row) {
  try {
    const double v = Expression::parse(text).evaluate_values([&](const std::string& n) {
      const auto it = row.find(n);
      if (it == row.end()) throw ExpressionError("unknown name '" + n + "'", 0);
      return it->second;
    });
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return std::string("value ") + buf;
  } catch (const ExpressionError& e) {
    return "error " + std::to_string(e.column()) + " " + e.what();
  }
}

}  // namespace

TEST_CASE("sweep_expr evaluates the report's expression corpus as expr_expected.txt records") {
  const Corpus c = read_corpus();
  CHECK(c.expressions.size() >= 25);
  std::vector<std::string> got;
  for (const auto& e : c.expressions) got.push_back(result_of(e, c.row));
  const char* update = std::getenv("MOESIM_UPDATE_EXPECTED");
  if (update && std::string(update) == "1") {
    std::ofstream out(kExpected, std::ios::binary);
    for (const auto& g : got) out << g << "\n";
  }
  std::ifstream in(kExpected);
  REQUIRE_MESSAGE(in.good(), "cannot read " << kExpected);
  std::vector<std::string> want;
  for (std::string line; std::getline(in, line);) want.push_back(line);
  REQUIRE(want.size() == got.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    INFO("expression: " << c.expressions[i]);
    CHECK(got[i] == want[i]);
  }
  // Errors as errors, values as values, in both kinds.
  int errors = 0;
  for (const auto& g : got) errors += g.rfind("error ", 0) == 0 ? 1 : 0;
  CHECK(errors >= 10);
  CHECK(int(got.size()) - errors >= 15);
}

TEST_CASE("expression_unit_table lists every unit expression_unit reads, with its factor") {
  const auto table = expression_unit_table();
  CHECK(table.size() >= 40);
  for (const auto& [name, factor] : table) {
    INFO("unit " << name);
    REQUIRE(expression_unit(name).has_value());
    CHECK(*expression_unit(name) == factor);
  }
  // The list the messages give names the same units, in the same order.
  std::string listed;
  for (const auto& [name, factor] : table) listed += (listed.empty() ? "" : ",") + name;
  std::string text = expression_units();
  std::string compact;
  for (char ch : text) {
    if (ch == ';') ch = ',';
    if (ch != ' ') compact += ch;
  }
  CHECK(compact == listed);
  const auto find = [&](const std::string& n) {
    for (const auto& [name, factor] : table) {
      if (name == n) return factor;
    }
    return -1.0;
  };
  CHECK(find("ms") == 1e-3);
  CHECK(find("GiB") == 1073741824.0);
  CHECK(find("Gb/s") == 125e6);
  CHECK(find("/min") == doctest::Approx(1.0 / 60.0));
  CHECK(find("tok/s") == 1.0);
}
