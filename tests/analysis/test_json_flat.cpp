// The JSON flattener (analysis/json_flat): dotted keys in document order, every value kind, and
// syntax errors located at line and column.
#include <doctest/doctest.h>

#include <cmath>

#include "analysis/json_flat.hpp"
#include "models/errors.hpp"

using namespace moesim;

namespace {

// what() of the error flatten_json(text) throws, and its line and column.
struct Failure {
  std::string what;
  std::size_t line = 0, column = 0;
};
Failure failure_of(const std::string& text) {
  try {
    (void)flatten_json(text);
  } catch (const JsonSyntaxError& e) {
    return {e.what(), e.line(), e.column()};
  }
  return {"(no error)"};
}

}  // namespace

TEST_CASE("json_flat: nested keys joined with dots, document order, every value kind") {
  const FlatJson f = flatten_json(
      R"({"a": 1.5, "b": {"c": "x\"\n\u00e9", "d": [1, {"e": -2e-3}]}, "n": null, "t": true, )"
      R"("z": {}})");
  REQUIRE(f.size() == 6);
  CHECK(f[0] == std::make_pair(std::string("a"), FlatValue{true, 1.5, "1.5"}));
  CHECK(f[1] == std::make_pair(std::string("b.c"), FlatValue{false, 0, "x\"\n\xc3\xa9"}));
  CHECK(f[2].first == "b.d.0");
  CHECK(f[3] == std::make_pair(std::string("b.d.1.e"), FlatValue{true, -0.002, "-0.002"}));
  CHECK(f[4] == std::make_pair(std::string("n"), FlatValue{false, 0, "null", true}));
  CHECK(f[5] == std::make_pair(std::string("t"), FlatValue{false, 0, "true"}));
  CHECK(find_flat(f, "b.d.0")->number == 1);
  CHECK(find_flat(f, "b") == nullptr);
}

TEST_CASE("json_flat: document order, not sorted, and a repeated key stays twice in its place") {
  const FlatJson f = flatten_json(R"({"z": {"y": 1, "b": 2}, "a": [[3, 4], []], "z": false})");
  std::vector<std::string> keys;
  for (const auto& [k, v] : f) keys.push_back(k);
  CHECK(keys == std::vector<std::string>{"z.y", "z.b", "a.0.0", "a.0.1", "z"});
  CHECK(find_flat(f, "z")->text == "false");  // the single key "z" is the second one
  // A top-level array numbers its elements from 0.
  const FlatJson a = flatten_json(" [\"x\", {\"k\": true}]\n");
  REQUIRE(a.size() == 2);
  CHECK(a[0].first == "0");
  CHECK(a[1].first == "1.k");
}

TEST_CASE("json_flat: unicode escapes, surrogate pairs and raw UTF-8 decode to UTF-8") {
  const FlatJson f = flatten_json(R"({"e": "\u00e9", "euro": "\u20AC", "smile": "\ud83d\ude00", )"
                                  R"("raw": "é€", "s": "a\/b\\\t"})");
  CHECK(f[0].second.text == "\xc3\xa9");              // U+00E9, two bytes
  CHECK(f[1].second.text == "\xe2\x82\xac");          // U+20AC, three bytes
  CHECK(f[2].second.text == "\xf0\x9f\x98\x80");      // U+1F600, a surrogate pair, four bytes
  CHECK(f[3].second.text == "\xc3\xa9\xe2\x82\xac");  // already UTF-8: as it is
  CHECK(f[4].second.text == "a/b\\\t");
}

TEST_CASE("json_flat: numbers read as doubles, their text the shortest that reads back") {
  const FlatJson f = flatten_json(
      "[0, -0, 7, -7, 0.1, 1e3, 2.5E-1, 9007199254740993, 18446744073709551615, -0.0, 1.5e-320]");
  std::vector<std::string> texts;
  for (const auto& [k, v] : f) {
    CHECK(v.is_number);
    CHECK(!v.is_null);
    texts.push_back(v.text);
  }
  // 2^53 + 1 rounds to 2^53 (even), 2^64 - 1 to 2^64; -0 keeps its sign; subnormals read.
  CHECK(texts == std::vector<std::string>{"0", "-0", "7", "-7", "0.1", "1000", "0.25",
                                          "9007199254740992", "18446744073709551616", "-0",
                                          "1.5e-320"});
  CHECK(std::signbit(f[1].second.number));
  CHECK(!std::signbit(f[0].second.number));
  CHECK(f[8].second.number == 18446744073709551616.0);
}

TEST_CASE("json_flat: a syntax error names its line and column") {
  // A missing comma: the next key, on line 3, is where the object goes wrong.
  const Failure comma = failure_of("{\n  \"a\": 1\n  \"b\": 2\n}\n");
  CHECK(comma.what ==
        "JSON: syntax error while parsing object - unexpected string literal; expected '}' at "
        "line 3, column 5");
  CHECK(comma.line == 3);
  CHECK(comma.column == 5);
  CHECK(failure_of(R"({"a": 1,})").what ==
        "JSON: syntax error while parsing object key - unexpected '}'; expected string literal "
        "at line 1, column 9");
  CHECK(failure_of("{\"a\": 1e999}").what ==
        "JSON: number overflow parsing '1e999' at line 1, column 11");
  // A value missing before the closing brace of line 4.
  const Failure value = failure_of("{\n  \"scenario\": \"x\",\n  \"devices\": \n}\n");
  CHECK(value.line == 4);
  CHECK(value.column == 1);
  CHECK_THROWS_AS((void)flatten_json(R"({"a": 1,})"), InputError);
}

TEST_CASE("json_flat: the rarer syntax errors, each located") {
  CHECK(failure_of("").what == "JSON: expected '{' or '[' at line 1, column 1");
  CHECK(failure_of("42").what == "JSON: expected '{' or '[' at line 1, column 1");
  CHECK(failure_of("\n\n  \"s\"").what == "JSON: expected '{' or '[' at line 3, column 3");
  auto located = [](const std::string& text, const std::string& detail, std::size_t column) {
    const Failure f = failure_of(text);
    CHECK_MESSAGE(f.what.find(detail) != std::string::npos, f.what);
    CHECK_MESSAGE(f.line == 1, f.what);
    CHECK_MESSAGE(f.column == column, f.what);
  };
  located(R"({"a": 1} x)", "expected end of input", 10);
  located(R"({"a": )", "unexpected end of input", 7);
  located(R"({"a": "\q"})", "forbidden character after backslash", 9);
  located(R"({"a": "\u12"})", "'\\u' must be followed by 4 hex digits", 12);
  located(R"({"a" 1})", "expected ':'", 6);
  located(R"({"a": x})", "invalid literal", 7);
  located(R"({"a": "x)", "missing closing quote", 9);
  located(R"({"a": "\ud800"})", "surrogate", 14);
  located("{\"a\": \"x\ty\"}", "control character U+0009", 9);
  located("[1, 2", "expected ']'", 6);
}
