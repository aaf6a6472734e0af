// The native protobuf trace (round trips, truncation, bad records) and the trace tools
// (format detection, atomic conversion, statistics).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "models/errors.hpp"
#include "workloads/native_trace.hpp"
#include "workloads/trace_tools.hpp"
#include "workloads_test_util.hpp"

using namespace moesim;
using moesim::test::drain;
using moesim::test::open_source;
using moesim::test::ScratchDir;

namespace {

const std::string kAzure =
    "TIMESTAMP,ContextTokens,GeneratedTokens\n"
    "2023-11-16 18:15:46.6805900,374,44\n"
    "2023-11-16 18:15:50.9951690,396,0\n"
    "2023-11-16 18:15:50.9951690,879,55\n"
    "2023-11-16 18:15:52.5732450,91,16\n";

void check_same(const std::vector<Request>& a, const std::vector<Request>& b) {
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].id == b[i].id);
    CHECK(a[i].arrival == b[i].arrival);  // doubles copied bit for bit
    CHECK(a[i].prompt_tokens == b[i].prompt_tokens);
    CHECK(a[i].output_tokens == b[i].output_tokens);
    CHECK(a[i].prefix_blocks == b[i].prefix_blocks);
  }
}

void write_records(const std::string& path, const std::vector<moesim::trace::Request>& records) {
  std::ofstream out(path, std::ios::binary);
  REQUIRE(write_trace_header(out));
  for (const auto& m : records) REQUIRE(write_trace_record(out, m));
  REQUIRE(write_trace_end(out, records.size()));
}

moesim::trace::Request record(double arrival_s, std::uint64_t prompt, std::uint64_t output) {
  moesim::trace::Request m;
  m.set_arrival_s(arrival_s);
  m.set_prompt_tokens(prompt);
  m.set_output_tokens(output);
  return m;
}

}  // namespace

TEST_CASE("protobuf: an azure file converted and read back gives the same requests") {
  ScratchDir dir;
  const std::string in = dir.write("t.csv", kAzure);
  const std::string out = dir.file("t.pb");
  convert_trace("azure", in, out);
  CHECK_FALSE(std::filesystem::exists(out + ".tmp"));
  const auto direct = drain(*open_source("azure", in));
  const auto back = drain(*open_source("protobuf", out));
  REQUIRE(direct.size() == 4);
  CHECK(direct[1].output_tokens == 1);
  check_same(direct, back);
}

TEST_CASE("protobuf: mooncake prefix blocks survive the round trip - format detection") {
  ScratchDir dir;
  const std::string in = dir.write(
      "t.jsonl",
      "{\"timestamp\": 0, \"input_length\": 600, \"output_length\": 2, \"hash_ids\": [4, 5]}\n"
      "{\"timestamp\": 250, \"input_length\": 100, \"output_length\": 9, \"hash_ids\": []}\n");
  const std::string out = dir.file("t.moesimtrace");
  convert_trace("", in, out);  // "" = from the extension
  const auto back = drain(*open_source("protobuf", out));
  check_same(drain(*open_source("mooncake", in)), back);
  CHECK(back[0].prefix_blocks == std::vector<std::uint64_t>{4, 5});
  CHECK(back[1].arrival.value() == doctest::Approx(0.25));
}

TEST_CASE("protobuf: a truncated file names the record") {
  ScratchDir dir;
  const std::string in = dir.write("t.csv", kAzure);
  const std::string out = dir.file("t.pb");
  convert_trace("azure", in, out);
  // The last 4 bytes are the end marker and its footer; 2 more cut into record 3.
  std::filesystem::resize_file(out, std::filesystem::file_size(out) - 4 - 2);
  auto src = open_source("protobuf", out);
  for (int i = 0; i < 3; ++i) CHECK(src->next().has_value());
  CHECK_THROWS_WITH_AS((void)src->next(), (out + ": record 3: truncated or corrupt record").c_str(),
                       InputError);
}

TEST_CASE("protobuf: bad records name their index - skip_bad_rows counts them") {
  ScratchDir dir;
  const std::string path = dir.file("t.pb");
  write_records(path,
                {record(10.0, 5, 5), record(9.5, 5, 5), record(11.0, 0, 5), record(12.0, 3, 0)});
  auto src = open_source("protobuf", path);
  CHECK(src->next().has_value());
  CHECK_THROWS_WITH_AS(
      (void)src->next(),
      (path + ": record 1: timestamp decreases: 0.5 s before the previous row's").c_str(),
      InputError);
  src = open_source("protobuf", path, {{"skip_bad_rows", true}});
  const auto rs = drain(*src);
  REQUIRE(rs.size() == 2);
  CHECK(src->skipped_rows() == 2);
  CHECK(rs[1].id == 1);
  CHECK(rs[1].arrival.value() == doctest::Approx(2.0));  // re-based on the first record, 10 s
  CHECK(rs[1].output_tokens == 1);
}

TEST_CASE("convert_trace: a failed conversion leaves no output and keeps an old one") {
  ScratchDir dir;
  const std::string in = dir.write("bad.csv", kAzure + "2023-11-16 18:15:53,x,1\n");
  const std::string out = dir.write("old.pb", "old");
  CHECK_THROWS_WITH_AS(convert_trace("azure", in, out),
                       (in + ":6: ContextTokens: expected a non-negative integer, got 'x'").c_str(),
                       InputError);
  CHECK_FALSE(std::filesystem::exists(out + ".tmp"));
  std::ifstream old(out);
  std::string text;
  old >> text;
  CHECK(text == "old");
  const std::string fresh = dir.file("fresh.pb");
  CHECK_THROWS_AS(convert_trace("azure", in, fresh), InputError);
  CHECK_FALSE(std::filesystem::exists(fresh));
}

TEST_CASE("detect_trace_format: by extension") {
  CHECK(detect_trace_format("a/b.csv") == "azure");
  CHECK(detect_trace_format("B.CSV") == "azure");
  CHECK(detect_trace_format("x.jsonl") == "mooncake");
  CHECK(detect_trace_format("x.pb") == "protobuf");
  CHECK(detect_trace_format("x.moesimtrace") == "protobuf");
  CHECK_THROWS_WITH_AS(
      (void)detect_trace_format("x.json"),
      "x.json: cannot tell the trace format from the extension '.json'; known: .csv (azure), "
      ".jsonl (mooncake), .pb or .moesimtrace (protobuf)",
      ConfigError);
}

TEST_CASE("trace_stats: a small trace with hand-computed statistics") {
  ScratchDir dir;
  const std::string path = dir.write("t.csv",
                                     "TIMESTAMP,ContextTokens,GeneratedTokens\n"
                                     "2023-11-16 18:00:00,30,4\n"
                                     "2023-11-16 18:00:01,10,1\n"
                                     "2023-11-16 18:00:02,40,3\n"
                                     "2023-11-16 18:00:04,20,2\n");
  const TraceStats s = trace_stats("", path);
  // n = 4: nearest rank p50 = ceil(2) = 2nd smallest, p99 = ceil(3.96) = 4th smallest.
  CHECK(s.requests == 4);
  CHECK(s.duration_s == doctest::Approx(4.0));
  CHECK(s.mean_rate == doctest::Approx(1.0));  // 4 requests / 4 s
  CHECK(s.mean_prompt == doctest::Approx(25.0));
  CHECK(s.p50_prompt == 20);
  CHECK(s.p99_prompt == 40);
  CHECK(s.mean_output == doctest::Approx(2.5));
  CHECK(s.p50_output == 2);
  CHECK(s.p99_output == 4);
  // A trace of no request is an error, as in every reader (tests/workloads/test_reader_errors.cpp).
  const std::string empty = dir.write("e.csv", "TIMESTAMP,ContextTokens,GeneratedTokens\n");
  CHECK_THROWS_WITH_AS((void)trace_stats("azure", empty),
                       (empty + ": no requests in the file").c_str(), InputError);
}

TEST_CASE("trace_stats: the Azure conversation trace") {
  const std::string path = test::repo_data("traces/azure-2023/AzureLLMInferenceTrace_conv.csv");
  // Values from sorting the CSV's columns: nearest ranks 9,683 and 19,173 of 19,366.
  const TraceStats s = trace_stats("azure", path);
  CHECK(s.requests == 19366);
  CHECK(s.duration_s == doctest::Approx(3501.721937));
  CHECK(s.mean_rate == doctest::Approx(19366 / 3501.721937));
  CHECK(s.mean_prompt == doctest::Approx(22361870.0 / 19366));
  CHECK(s.p50_prompt == 1020);
  CHECK(s.p99_prompt == 4142);
  CHECK(s.mean_output == doctest::Approx(4088665.0 / 19366));
  CHECK(s.p50_output == 129);
  CHECK(s.p99_output == 601);
}
