// libFuzzer target: the mooncake trace reader (workloads/source_mooncake.cpp) on arbitrary file contents.
#include "fuzz/fuzz_trace.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  moesim::fuzz::drain_trace("mooncake", "trace.jsonl", data, size);
  return 0;
}
