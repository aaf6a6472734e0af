// libFuzzer target: the azure trace reader (workloads/source_azure.cpp) on arbitrary file contents.
#include "fuzz/fuzz_trace.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  moesim::fuzz::drain_trace("azure", "trace.csv", data, size);
  return 0;
}
