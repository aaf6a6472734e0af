// Trace-reader errors not pinned down beside each reader: the rarer JSON syntax errors of a
// Mooncake row, protobuf records with a non-finite time or an out-of-range count, and a trace
// conversion whose output cannot be written.
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <limits>

#include "models/errors.hpp"
#include "workloads/native_trace.hpp"
#include "workloads/trace_tools.hpp"
#include "workloads_test_util.hpp"

using namespace moesim;
using moesim::test::open_source;
using moesim::test::ScratchDir;

TEST_CASE("mooncake: the rarer JSON syntax errors name the column") {
  ScratchDir dir;
  struct Case {
    std::string row, message;
  };
  const std::vector<Case> cases{
      {R"({"timestamp" 1})", R"(expected ':' after key "timestamp" (column 14))"},
      {R"({"timestamp": 1, "hash_ids": [1 2]})",
       R"(expected ',' or ']' in the array of "hash_ids" (column 33))"},
      {R"({"timestamp": 1e, "input_length": 2})",
       "malformed number: digits expected in the exponent (column 17)"},
      {"{\"time\tstamp\": 1}", "control character in a string (column 7)"},
      {R"({"time\u00zz": 1})", R"(expected 4 hex digits after \u (column 11))"},
      {R"({"time\qstamp": 1})", "unknown escape in a string (column 8)"},
      {R"({"timestamp": -x})", "malformed number (column 16)"},
      {R"({"timestamp": 1e999, "input_length": 2, "output_length": 3})",
       R"("timestamp": expected a number of milliseconds)"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.row);
    const std::string path = dir.write("bad.jsonl", c.row + "\n");
    auto src = open_source("mooncake", path);
    CHECK_THROWS_WITH_AS((void)src->next(), (path + ":1: " + c.message).c_str(), InputError);
  }
}

TEST_CASE("protobuf: a non-finite arrival and a count beyond int64 name their record") {
  ScratchDir dir;
  const auto write = [&](const moesim::trace::Request& m) {
    const std::string path = dir.file("t.pb");
    std::ofstream out(path, std::ios::binary);
    REQUIRE(write_trace_header(out));
    REQUIRE(write_trace_record(out, m));
    REQUIRE(write_trace_end(out, 1));
    return path;
  };
  moesim::trace::Request m;
  m.set_arrival_s(std::numeric_limits<double>::infinity());
  m.set_prompt_tokens(5);
  m.set_output_tokens(5);
  std::string path = write(m);
  CHECK_THROWS_WITH_AS((void)open_source("protobuf", path)->next(),
                       (path + ": record 0: arrival_s is not finite").c_str(), InputError);
  m.set_arrival_s(1.0);
  m.set_prompt_tokens(std::numeric_limits<std::uint64_t>::max());
  path = write(m);
  CHECK_THROWS_WITH_AS(
      (void)open_source("protobuf", path)->next(),
      (path + ": record 0: prompt_tokens is too large: 18446744073709551615").c_str(), InputError);
  m.set_prompt_tokens(5);
  m.set_output_tokens(std::uint64_t(1) << 63);
  path = write(m);
  CHECK_THROWS_WITH_AS(
      (void)open_source("protobuf", path)->next(),
      (path + ": record 0: output_tokens is too large: 9223372036854775808").c_str(), InputError);
}

TEST_CASE("convert_trace: an output folder that does not exist names the file") {
  ScratchDir dir;
  const std::string in = dir.write("t.csv", "TIMESTAMP,ContextTokens,GeneratedTokens\n"
                                            "2023-11-16 18:15:46.6805900,374,44\n");
  const std::string out = dir.file("absent/t.pb");
  CHECK_THROWS_WITH_AS(convert_trace("azure", in, out),
                       (out + ".tmp: cannot open file for writing").c_str(), InputError);
}
