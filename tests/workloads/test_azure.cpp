// Azure CSV reader: the real conversation trace, the arrival rule (window, rescaling, limit),
// timestamp arithmetic, and every bad-row message.
#include <doctest/doctest.h>

#include "models/errors.hpp"
#include "workloads_test_util.hpp"

using namespace moesim;
using moesim::test::drain;
using moesim::test::open_source;
using moesim::test::ScratchDir;

namespace {
const std::string kHeader = "TIMESTAMP,ContextTokens,GeneratedTokens\n";

// Rows at t = 0, 1, 2, 3, 4 s with prompts 10, 11, 12, 13, 14.
std::string five_rows() {
  std::string s = kHeader;
  for (int i = 0; i < 5; ++i) {
    s += "2023-11-16 18:00:0" + std::to_string(i) + ".5000000," + std::to_string(10 + i) + ",5\n";
  }
  return s;
}
}  // namespace

TEST_CASE("azure: the conversation trace") {
  const std::string path = test::repo_data("traces/azure-2023/AzureLLMInferenceTrace_conv.csv");
  auto src = open_source("azure", path);
  const auto rs = drain(*src);
  // 19,366 rows; the data README gives means of 1,155 prompt and 211 output tokens (exactly
  // 22,361,870 / 19,366 = 1154.70 and 4,088,665 / 19,366 = 211.13).
  REQUIRE(rs.size() == 19366);
  double prompt = 0, output = 0;
  for (std::size_t i = 0; i < rs.size(); ++i) {
    CHECK(rs[i].id == i);
    if (i) CHECK(rs[i].arrival >= rs[i - 1].arrival);
    prompt += double(rs[i].prompt_tokens);
    output += double(rs[i].output_tokens);
  }
  CHECK(prompt / 19366 == doctest::Approx(1154.7).epsilon(0.001));
  CHECK(output / 19366 == doctest::Approx(211.13).epsilon(0.001));
  CHECK(rs.front().arrival.value() == 0.0);
  // First row 18:15:46.6805900, last 19:14:08.4025270: 58 min 21.721937 s apart.
  CHECK(rs.back().arrival.value() == doctest::Approx(3501.721937).epsilon(1e-12));
  CHECK(src->skipped_rows() == 0);
}

TEST_CASE(
    "azure: window from start to end (exclusive) before rescaling, re-based to the first kept "
    "request") {
  ScratchDir dir;
  const std::string path = dir.write("t.csv", five_rows());
  // start 1s, end 3s keep t = 1 and 2 (t = 3 is outside); they arrive at 0 and 1 s, and with
  // time_scale 2 at 0 and 0.5 s.
  auto rs = drain(*open_source("azure", path, {{"start", 1.0}, {"end", 3.0}}));
  REQUIRE(rs.size() == 2);
  CHECK(rs[0].prompt_tokens == 11);
  CHECK(rs[1].prompt_tokens == 12);
  CHECK(rs[0].id == 0);
  CHECK(rs[1].id == 1);
  CHECK(rs[0].arrival.value() == 0.0);
  CHECK(rs[1].arrival.value() == doctest::Approx(1.0));
  rs = drain(*open_source("azure", path, {{"start", 1.0}, {"end", 3.0}, {"time_scale", 2.0}}));
  REQUIRE(rs.size() == 2);
  CHECK(rs[1].arrival.value() == doctest::Approx(0.5));
  // limit counts kept requests.
  rs = drain(*open_source("azure", path, {{"start", 2.0}, {"limit", std::int64_t{2}}}));
  REQUIRE(rs.size() == 2);
  CHECK(rs[0].prompt_tokens == 12);
  CHECK(rs[1].prompt_tokens == 13);
}

TEST_CASE("azure: timestamps across midnight, year end and a leap day") {
  ScratchDir dir;
  const std::string path = dir.write("t.csv", kHeader +
                                                  "2023-12-31 23:59:59.5,1,1\n"
                                                  "2024-01-01 00:00:00.25,1,1\n"
                                                  "2024-02-28 23:59:59.5,1,1\n"
                                                  "2024-03-01T00:00:00.5000001,1,1\n");
  const auto rs = drain(*open_source("azure", path));
  REQUIRE(rs.size() == 4);
  CHECK(rs[1].arrival.value() == doctest::Approx(0.75));
  CHECK(rs[2].arrival.value() == doctest::Approx(59 * 86400.0));  // 31 Dec -> 28 Feb
  // + 1 day (29 Feb 2024) + 1.0000001 s
  CHECK(rs[3].arrival.value() == doctest::Approx(60 * 86400.0 + 1.0000001).epsilon(1e-15));
}

TEST_CASE("azure: the first and last supported instants are 292 years apart without overflow") {
  // Found by fuzz_trace_azure (fuzz/README.md): with years before 1970 allowed, the arrival of a
  // 2023 row after a 1698 row overflowed 64-bit nanoseconds.
  ScratchDir dir;
  const std::string path = dir.write("t.csv", kHeader +
                                                  "1970-01-01 00:00:00,1,1\n"
                                                  "2261-12-31 23:59:59.999999999,1,1\n");
  const auto rs = drain(*open_source("azure", path));
  REQUIRE(rs.size() == 2);
  // 1970-01-01 to 2262-01-01: 292 years with 71 leap days (2000 is one, 2100 and 2200 are not).
  CHECK(rs[1].arrival.value() == doctest::Approx((292 * 365 + 71) * 86400.0).epsilon(1e-15));
}

TEST_CASE("azure: zero generated tokens become 1 - columns are found by name") {
  ScratchDir dir;
  const std::string path = dir.write("t.csv",
                                     "GeneratedTokens,TIMESTAMP,Extra,ContextTokens\r\n"
                                     "0,2023-11-16 18:00:00,x,100\r\n");
  const auto rs = drain(*open_source("azure", path));
  REQUIRE(rs.size() == 1);
  CHECK(rs[0].prompt_tokens == 100);
  CHECK(rs[0].output_tokens == 1);
}

TEST_CASE("azure: a relative path resolves against the context's base directory") {
  ScratchDir dir;
  (void)dir.write("t.csv", five_rows());
  SourceContext ctx;
  ctx.base_dir = dir.dir();
  CHECK(drain(*open_source("azure", "t.csv", {}, ctx)).size() == 5);
}

TEST_CASE("azure: bad rows give PATH:LINE and what is wrong - skip_bad_rows counts them") {
  ScratchDir dir;
  struct Case {
    std::string row, message;
  };
  const std::vector<Case> cases{
      {"2023-11-16 18:00:01,5", "expected 3 fields, got 2"},
      {"2023-13-16 18:00:01,5,5",
       "TIMESTAMP: expected 'YYYY-MM-DD HH:MM:SS.fffffff' (years 1970 to 2261), got '2023-13-16 18:00:01'"},
      {"2023-11-16 18:00:01.,5,5",
       "TIMESTAMP: expected 'YYYY-MM-DD HH:MM:SS.fffffff' (years 1970 to 2261), got '2023-11-16 18:00:01.'"},
      {"1969-12-31 23:59:59,5,5",
       "TIMESTAMP: expected 'YYYY-MM-DD HH:MM:SS.fffffff' (years 1970 to 2261), got '1969-12-31 23:59:59'"},
      {"2262-01-01 00:00:00,5,5",
       "TIMESTAMP: expected 'YYYY-MM-DD HH:MM:SS.fffffff' (years 1970 to 2261), got '2262-01-01 00:00:00'"},
      {"2023-11-16 18:00:01,abc,5", "ContextTokens: expected a non-negative integer, got 'abc'"},
      {"2023-11-16 18:00:01,5,-2", "GeneratedTokens: expected a non-negative integer, got '-2'"},
      {"2023-11-16 18:00:01,0,5", "prompt length must be at least 1 token, got 0"},
      {"2023-11-16 17:59:59.5,5,5", "timestamp decreases: 0.5 s before the previous row's"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.row);
    // Line 1 header, line 2 a good row at 18:00:00, line 3 blank, line 4 the bad row.
    const std::string path =
        dir.write("bad.csv", kHeader + "2023-11-16 18:00:00,1,1\n\n" + c.row + "\n");
    auto src = open_source("azure", path);
    CHECK(src->next().has_value());
    CHECK_THROWS_WITH_AS((void)src->next(), (path + ":4: " + c.message).c_str(), InputError);
  }
  std::string all = kHeader + "2023-11-16 18:00:00,1,1\n";
  for (const auto& c : cases) all += c.row + "\n";
  all += "2023-11-16 18:00:02,2,2\n";
  const std::string path = dir.write("bad.csv", all);
  auto src = open_source("azure", path, {{"skip_bad_rows", true}});
  const auto rs = drain(*src);
  REQUIRE(rs.size() == 2);
  CHECK(rs[1].id == 1);
  CHECK(rs[1].arrival.value() == doctest::Approx(2.0));
  CHECK(src->skipped_rows() == std::int64_t(cases.size()));
}

TEST_CASE("azure: header problems are errors even with skip_bad_rows") {
  ScratchDir dir;
  const std::string path = dir.write("bad.csv", "\nTIMESTAMP,Context,GeneratedTokens\n");
  CHECK_THROWS_WITH_AS(
      (void)open_source("azure", path, {{"skip_bad_rows", true}}),
      (path + ":2: missing column 'ContextTokens' (header has: TIMESTAMP, Context, "
              "GeneratedTokens)")
          .c_str(),
      InputError);
  const std::string empty = dir.write("empty.csv", "");
  CHECK_THROWS_WITH_AS(
      (void)open_source("azure", empty),
      (empty + ": no requests in the file (it is empty; expected the header "
               "TIMESTAMP,ContextTokens,GeneratedTokens)").c_str(),
      InputError);
  CHECK_THROWS_WITH_AS((void)open_source("azure", dir.file("none.csv")),
                       (dir.file("none.csv") + ": cannot open file").c_str(), InputError);
}
