// Trace-reader errors not pinned down beside each reader: the rarer JSON syntax errors of a
// Mooncake row, protobuf records with a non-finite time or an out-of-range count, a trace
// conversion whose output cannot be written; and the rules every reader shares: a trace with no
// request is an error in every format, a missing path or a folder names the `path` parameter, a
// UTF-8 byte order mark at the start of a text file is skipped.
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <limits>

#include "models/errors.hpp"
#include "models/param_error.hpp"
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

namespace {

// The message of the first error reading `path` as `format` to its end ("" when none).
std::string drain_error(const std::string& format, const std::string& path,
                        const std::vector<std::pair<std::string, ParamValue>>& extra = {}) {
  try {
    (void)moesim::test::drain(*open_source(format, path, extra));
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

// A native trace of the given records (header, records, end marker).
std::string native_trace(const ScratchDir& dir, const std::string& name, int records) {
  const std::string path = dir.file(name);
  std::ofstream out(path, std::ios::binary);
  REQUIRE(write_trace_header(out));
  moesim::trace::Request m;
  for (int i = 0; i < records; ++i) {
    m.set_arrival_s(double(i));
    m.set_prompt_tokens(5);
    m.set_output_tokens(5);
    REQUIRE(write_trace_record(out, m));
  }
  REQUIRE(write_trace_end(out, std::uint64_t(records)));
  return path;
}

const std::string kAzureHeader = "TIMESTAMP,ContextTokens,GeneratedTokens\n";

}  // namespace

// Regression: a header-only CSV, an empty JSON-lines file and a native trace of no records were
// read as traces of no request (a run of nothing exited 0), while an empty CSV was an error.
TEST_CASE("every trace format: a trace with no requests is an error naming the file") {
  ScratchDir dir;
  std::string p = dir.write("header.csv", kAzureHeader);
  CHECK(drain_error("azure", p) == p + ": no requests in the file");
  p = dir.write("empty.csv", "");
  CHECK(drain_error("azure", p) ==
        p + ": no requests in the file (it is empty; expected the header "
            "TIMESTAMP,ContextTokens,GeneratedTokens)");
  p = dir.write("empty.jsonl", "");
  CHECK(drain_error("mooncake", p) == p + ": no requests in the file");
  p = dir.write("blank.jsonl", "\n  \n");
  CHECK(drain_error("mooncake", p) == p + ": no requests in the file");
  p = native_trace(dir, "none.pb", 0);
  CHECK(drain_error("protobuf", p) == p + ": no requests in the file");
  p = dir.write("empty.pb", "");
  CHECK(drain_error("protobuf", p) == p + ": no requests in the file (it is empty)");
  // Rows that are all bad and skipped, and a window past the last request, leave none either.
  p = dir.write("bad.csv", kAzureHeader + "2023-11-16 18:00:00,x,1\n2023-11-16 18:00:01,y,1\n");
  CHECK(drain_error("azure", p, {{"skip_bad_rows", true}}) ==
        p + ": no requests: all 2 rows are bad (skipped by skip_bad_rows)");
  p = dir.write("two.csv", kAzureHeader + "2023-11-16 18:00:00,5,1\n2023-11-16 18:00:03,5,1\n");
  CHECK(drain_error("azure", p, {{"start", 10.0}}) ==
        p + ": no requests in the window from start (10 s) on: the trace's last request is 3 s "
            "after its first");
  CHECK(drain_error("azure", p, {{"start", 1.0}, {"end", 2.0}}) ==
        p + ": no requests in the window from start (1 s) to end (2 s), measured from the "
            "trace's first request");
  // One request is enough, in every format.
  CHECK(drain_error("azure", dir.write("one.csv", kAzureHeader + "2023-11-16 18:00:00,5,1\n")) ==
        "");
  CHECK(drain_error("protobuf", native_trace(dir, "one.pb", 1)) == "");
}

// Regression: a folder given as a trace read as an empty file ("empty file; expected the
// header"); a missing file named no parameter, so a scenario could not point at its line.
TEST_CASE("every trace format: a missing path or a folder is an error about `path`") {
  ScratchDir dir;
  for (const char* format : {"azure", "mooncake", "protobuf"}) {
    CAPTURE(format);
    const std::string missing = dir.file("absent");
    try {
      (void)open_source(format, missing);
      FAIL("no error");
    } catch (const ParamInputError& e) {
      CHECK(e.param() == "path");
      CHECK(std::string(e.what()) == missing + ": cannot open file");
    }
    try {
      (void)open_source(format, dir.dir());
      FAIL("no error");
    } catch (const ParamInputError& e) {
      CHECK(e.param() == "path");
      CHECK(std::string(e.what()) == dir.dir() + ": is a folder, not a file");
    }
  }
  ParamSet lengths;
  lengths.set("path", dir.dir());
  CHECK_THROWS_WITH_AS((void)length_distributions().create("file", lengths),
                       (dir.dir() + ": is a folder, not a file").c_str(), ParamInputError);
}

// Regression: a byte order mark (as spreadsheet programs write) became part of the first
// column's name: "missing column 'TIMESTAMP'" for an Azure trace, and so on.
TEST_CASE("text readers: a UTF-8 byte order mark at the start of the file is skipped") {
  ScratchDir dir;
  const std::string bom = "\xEF\xBB\xBF";
  std::string p = dir.write("bom.csv", bom + kAzureHeader + "2023-11-16 18:00:00,7,3\n");
  auto rs = moesim::test::drain(*open_source("azure", p));
  REQUIRE(rs.size() == 1);
  CHECK(rs[0].prompt_tokens == 7);
  p = dir.write("bom.jsonl",
                bom + R"({"timestamp": 0, "input_length": 9, "output_length": 2})" + "\n");
  rs = moesim::test::drain(*open_source("mooncake", p));
  REQUIRE(rs.size() == 1);
  CHECK(rs[0].prompt_tokens == 9);
  ParamSet lengths;
  lengths.set("path", dir.write("l.csv", bom + "num_prefill_tokens,num_decode_tokens\n11,4\n"));
  auto dist = length_distributions().create("file", lengths);
  RandomStream rng(1);
  CHECK(dist->sample(rng) == std::make_pair(std::int64_t{11}, std::int64_t{4}));
  // Only at the start of the file: elsewhere the bytes are data (here, a bad count).
  p = dir.write("mid.csv", kAzureHeader + bom + "2023-11-16 18:00:00,7,3\n");
  CHECK(drain_error("azure", p).find(p + ":2: TIMESTAMP: expected") == 0);
}
