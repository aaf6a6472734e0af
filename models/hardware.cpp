#include "models/hardware.hpp"

namespace moesim {

std::string_view op_class_name(OpClass c) {
  switch (c) {
    case OpClass::kGemm: return "gemm";
    case OpClass::kGroupedGemm: return "grouped_gemm";
    case OpClass::kAttention: return "attention";
    case OpClass::kElementwise: return "elementwise";
    case OpClass::kCommunication: return "communication";
  }
  return "?";
}

double Efficiency::compute(OpClass c) const {
  switch (c) {
    case OpClass::kGemm: return gemm_compute;
    case OpClass::kGroupedGemm: return grouped_gemm_compute;
    case OpClass::kAttention: return attention_compute;
    case OpClass::kElementwise: return gemm_compute;  // elementwise ops are never compute-bound
    case OpClass::kCommunication: return communication;
  }
  return 1.0;
}

double Efficiency::memory(OpClass c) const {
  switch (c) {
    case OpClass::kGemm: return gemm_memory;
    case OpClass::kGroupedGemm: return grouped_gemm_memory;
    case OpClass::kAttention: return attention_memory;
    case OpClass::kElementwise: return elementwise_memory;
    case OpClass::kCommunication: return communication;
  }
  return 1.0;
}

FlopsPerSec Hardware::peak_for(DType t) const {
  if (auto it = peak.find(t); it != peak.end()) return it->second;
  if (t == DType::kFp16) {
    if (auto it = peak.find(DType::kBf16); it != peak.end()) return it->second;
  }
  if (auto it = peak.find(DType::kBf16); it != peak.end()) return it->second;
  return FlopsPerSec(0);
}

}  // namespace moesim
