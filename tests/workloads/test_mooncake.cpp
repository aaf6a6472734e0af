// Mooncake JSON-lines reader: the real conversation trace, the flat-object parser's tolerance
// (key order, unknown keys, spacing) and strictness (every malformed shape, with its column).
#include <doctest/doctest.h>

#include "models/errors.hpp"
#include "workloads/flat_json.hpp"
#include "workloads_test_util.hpp"

using namespace moesim;
using moesim::test::drain;
using moesim::test::open_source;
using moesim::test::ScratchDir;

TEST_CASE("mooncake: the conversation trace") {
  const std::string path = test::repo_data("traces/mooncake-fast25/conversation_trace.jsonl");
  const auto rs = drain(*open_source("mooncake", path));
  // 12,031 lines; 144,793,823 input and 4,122,048 output tokens in all (means 12,035 and 343,
  // as the data README says); 288,500 prefix blocks; the last timestamp is 3,536,999 ms.
  REQUIRE(rs.size() == 12031);
  double input = 0, output = 0, blocks = 0;
  for (const auto& r : rs) {
    input += double(r.prompt_tokens);
    output += double(r.output_tokens);
    blocks += double(r.prefix_blocks.size());
  }
  CHECK(input == 144793823.0);
  CHECK(output == 4122048.0);
  CHECK(blocks == 288500.0);
  CHECK(rs.front().prefix_blocks.size() == 14);
  CHECK(rs.front().prefix_blocks[13] == 13);
  CHECK(rs.back().arrival.value() == doctest::Approx(3536.999));
  CHECK(rs.back().id == 12030);
}

TEST_CASE("mooncake: keys in any order, unknown keys ignored, milliseconds to seconds") {
  ScratchDir dir;
  const std::string path = dir.write(
      "t.jsonl",
      "{\"timestamp\": 1000, \"input_length\": 5, \"output_length\": 0}\n"
      "\n"
      "  { \"output_length\" : 3 , \"extra\": \"a\\\"b\\u00e9\", \"flag\": true, \"none\": null,"
      " \"f\": -1.5e3, \"arr\": [], \"input_length\": 7,"
      " \"hash_ids\": [18446744073709551615, 0], \"timestamp\": 1500.5 }  \r\n"
      "{\"timestamp\":3000,\"input_length\":9,\"output_length\":4,\"hash_ids\":[]}");
  const auto rs = drain(*open_source("mooncake", path));
  REQUIRE(rs.size() == 3);
  CHECK(rs[0].arrival.value() == 0.0);
  CHECK(rs[0].output_tokens == 1);  // 0 raised to 1
  CHECK(rs[0].prefix_blocks.empty());
  CHECK(rs[1].arrival.value() == doctest::Approx(0.5005));
  CHECK(rs[1].prompt_tokens == 7);
  CHECK(rs[1].output_tokens == 3);
  CHECK(rs[1].prefix_blocks == std::vector<std::uint64_t>{18446744073709551615ULL, 0});
  CHECK(rs[2].arrival.value() == doctest::Approx(2.0));
  // The window is measured in seconds from the first record.
  const auto w = drain(*open_source("mooncake", path, {{"start", 0.4}}));
  REQUIRE(w.size() == 2);
  CHECK(w[1].arrival.value() == doctest::Approx(1.4995));
}

TEST_CASE("flat JSON: decoded strings and kinds") {
  const auto f = parse_flat_json_object(R"({"s": "x\ty\u0041\u00e9", "n": -0.5E+2, "b": false})");
  REQUIRE(f.size() == 3);
  CHECK(f[0].kind == FlatJsonField::Kind::kString);
  CHECK(f[0].text == "x\tyA\xc3\xa9");
  CHECK(f[1].kind == FlatJsonField::Kind::kNumber);
  CHECK(f[1].text == "-0.5E+2");
  CHECK(f[2].kind == FlatJsonField::Kind::kBool);
  CHECK(f[2].text == "false");
  CHECK(parse_flat_json_object(" {} ").empty());
}

TEST_CASE("mooncake: bad rows give PATH:LINE and what is wrong - skip_bad_rows counts them") {
  ScratchDir dir;
  struct Case {
    std::string row, message;
  };
  const std::vector<Case> cases{
      {R"({"timestamp": 5 "input_length": 3})",
       R"(expected ',' or '}' after the value of "timestamp" (column 17))"},
      {R"({"timestamp": 1, "meta": {"a": 1}})",
       R"(nested objects are not supported (key "meta") (column 26))"},
      {R"({"timestamp": 1, "timestamp": 2})", R"(duplicate key "timestamp" (column 18))"},
      {R"([1, 2])", R"(expected a JSON object starting with '{' (column 1))"},
      {R"({"timestamp: 1})", R"(unterminated string (column 16))"},
      {R"({"timestamp": 1,})", R"(expected a key in double quotes (column 17))"},
      {R"({"timestamp": 1, "input_length": 2, "output_length": 3} x)",
       R"(unexpected text after the closing '}' (column 57))"},
      {R"({"timestamp": 1, "hash_ids": [1, x], "input_length": 2, "output_length": 3})",
       R"(expected a number in the array of "hash_ids" (column 34))"},
      {R"({"timestamp": 1., "input_length": 2, "output_length": 3})",
       R"(malformed number: digits expected after '.' (column 17))"},
      {R"({"timestamp": tru})", R"(expected a value for key "timestamp" (column 15))"},
      {R"({"timestamp": 1, "input_length": 2})", R"(missing key "output_length")"},
      {R"({"timestamp": "1", "input_length": 2, "output_length": 3})",
       R"("timestamp": expected a number of milliseconds)"},
      {R"({"timestamp": 1, "input_length": 1.5, "output_length": 3})",
       R"("input_length": expected a non-negative integer, got 1.5)"},
      {R"({"timestamp": 1, "input_length": 2, "output_length": -3})",
       R"("output_length": expected a non-negative integer, got -3)"},
      {R"({"timestamp": 1, "input_length": 0, "output_length": 3})",
       "prompt length must be at least 1 token, got 0"},
      {R"({"timestamp": 1, "input_length": 2, "output_length": 3, "hash_ids": 5})",
       R"("hash_ids": expected an array)"},
      {R"({"timestamp": 1, "input_length": 2, "output_length": 3, "hash_ids": [18446744073709551616]})",
       R"("hash_ids": expected non-negative integers, got 18446744073709551616)"},
      {R"({"timestamp": 0.5, "input_length": 2, "output_length": 3})",
       "timestamp decreases: 0.0005 s before the previous row's"},
  };
  const std::string good = R"({"timestamp": 1, "input_length": 2, "output_length": 3})";
  for (const auto& c : cases) {
    CAPTURE(c.row);
    const std::string path = dir.write("bad.jsonl", good + "\n\n" + c.row + "\n");
    auto src = open_source("mooncake", path);
    CHECK(src->next().has_value());
    CHECK_THROWS_WITH_AS((void)src->next(), (path + ":3: " + c.message).c_str(), InputError);
  }
  std::string all = good + "\n";
  for (const auto& c : cases) all += c.row + "\n";
  all += R"({"timestamp": 2, "input_length": 4, "output_length": 3})";
  const std::string path = dir.write("bad.jsonl", all);
  auto src = open_source("mooncake", path, {{"skip_bad_rows", true}});
  const auto rs = drain(*src);
  REQUIRE(rs.size() == 2);
  CHECK(rs[1].prompt_tokens == 4);
  CHECK(src->skipped_rows() == std::int64_t(cases.size()));
}
