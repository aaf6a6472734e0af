// Regression (reliability issue, item 4): the native trace had no header and no end, so garbage
// read as an empty trace (12 bytes of 0xFF: a varint that never ends looked like a clean end of
// file), garbage appended to a trace was dropped, and a trace cut at a record boundary read as a
// shorter one, all with exit status 0. The format now has a magic, a version and an end marker
// with the record count (workloads/trace.proto); each of these is an error naming the file.
// Only convert_trace and the reader are used, so the cases run against any version of them.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "models/errors.hpp"
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
    "2023-11-16 18:15:50.9951690,396,3\n"
    "2023-11-16 18:15:50.9951690,879,55\n"
    "2023-11-16 18:15:52.5732450,91,16\n";

// A 4-request native trace converted from kAzure.
std::string converted(const ScratchDir& dir, const std::string& name) {
  const std::string out = dir.file(name);
  convert_trace("azure", dir.write(name + ".csv", kAzure), out);
  return out;
}

std::string bytes_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Reads the whole trace; the message of the error it ends with ("" when none).
std::string read_error(const std::string& path, std::size_t* read = nullptr) {
  std::size_t n = 0;
  try {
    auto src = open_source("protobuf", path);
    while (src->next()) ++n;
  } catch (const InputError& e) {
    if (read) *read = n;
    return e.what();
  }
  if (read) *read = n;
  return "";
}

}  // namespace

TEST_CASE("native trace: garbage is not a trace") {
  ScratchDir dir;
  const std::string ff = dir.write("ff.pb", std::string(12, '\xff'));
  CHECK(read_error(ff) ==
        ff + ": not a moesim trace (no 'MOESIMTR' header; a trace written before format version 2 "
             "has none: convert its source again with 'moesim trace convert')");
  // An empty file has no header either, but what it lacks is requests (as an empty CSV).
  const std::string empty = dir.write("empty.pb", "");
  CHECK(read_error(empty) == empty + ": no requests in the file (it is empty)");
}

TEST_CASE("native trace: garbage appended to a trace is an error, not ignored") {
  ScratchDir dir;
  const std::string path = converted(dir, "t.pb");
  CHECK(read_error(path).empty());
  std::ofstream(path, std::ios::binary | std::ios::app) << std::string(12, '\xff');
  std::size_t read = 0;
  CHECK(read_error(path, &read) ==
        path + ": end marker (after 4 records): unexpected data after the end of the trace");
  CHECK(read == 4);
}

TEST_CASE("native trace: a trace cut anywhere is an error, never a shorter trace") {
  ScratchDir dir;
  const std::string path = converted(dir, "t.pb");
  const std::string whole = bytes_of(path);
  REQUIRE(drain(*open_source("protobuf", path)).size() == 4);
  // Every proper prefix of the file fails to read, whatever record boundary it falls on.
  for (std::size_t cut = 0; cut < whole.size(); ++cut) {
    const std::string part = dir.write("cut.pb", whole.substr(0, cut));
    CAPTURE(cut);
    CHECK_FALSE(read_error(part).empty());
  }
}

TEST_CASE("native trace: the end marker's count must match the records") {
  ScratchDir dir;
  const std::string a = bytes_of(converted(dir, "a.pb"));
  const std::string path = converted(dir, "b.pb");
  // Footer: 0x00 (end marker), size 0x02, then field 1 = 4 (0x08 0x04).
  REQUIRE(a.substr(a.size() - 4) == std::string("\x00\x02\x08\x04", 4));
  std::string b = a;
  b[b.size() - 1] = '\x05';
  std::ofstream(path, std::ios::binary | std::ios::trunc) << b;
  CHECK(read_error(path) == path + ": end marker (after 4 records): the footer counts 5 records");
}
