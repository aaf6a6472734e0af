// Writing moesim's native trace (the layout is documented in workloads/trace.proto): the header,
// the records and the end marker. The reader is the `protobuf` request source
// (source_protobuf.cpp); `moesim trace convert` and the tests write through these functions.
#pragma once

#include <cstdint>
#include <ostream>
#include <string_view>

#include "workloads/trace.pb.h"

namespace moesim {

inline constexpr std::string_view kTraceMagic = "MOESIMTR";
inline constexpr std::uint32_t kTraceVersion = 2;

// Each returns false when the stream failed.
bool write_trace_header(std::ostream& out);
bool write_trace_record(std::ostream& out, const trace::Request& record);
// The end marker (a zero length) and the Footer counting `records`.
bool write_trace_end(std::ostream& out, std::uint64_t records);

}  // namespace moesim
