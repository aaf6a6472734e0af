#include "workloads/native_trace.hpp"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl.h>
#include <google/protobuf/util/delimited_message_util.h>

namespace moesim {

bool write_trace_header(std::ostream& out) {
  out.write(kTraceMagic.data(), std::streamsize(kTraceMagic.size()));
  trace::Header h;
  h.set_version(kTraceVersion);
  return google::protobuf::util::SerializeDelimitedToOstream(h, &out) && bool(out);
}

bool write_trace_record(std::ostream& out, const trace::Request& record) {
  return google::protobuf::util::SerializeDelimitedToOstream(record, &out);
}

bool write_trace_end(std::ostream& out, std::uint64_t records) {
  {
    google::protobuf::io::OstreamOutputStream raw(&out);
    google::protobuf::io::CodedOutputStream coded(&raw);
    coded.WriteVarint32(0);
    if (coded.HadError()) return false;
  }
  trace::Footer f;
  f.set_records(records);
  return google::protobuf::util::SerializeDelimitedToOstream(f, &out) && bool(out.flush());
}

}  // namespace moesim
