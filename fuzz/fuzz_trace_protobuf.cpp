// libFuzzer target: the protobuf trace reader (workloads/source_protobuf.cpp) on arbitrary file contents.
#include "fuzz/fuzz_trace.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  moesim::fuzz::drain_trace("protobuf", "trace.pb", data, size);
  return 0;
}
