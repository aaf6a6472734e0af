// moesim's native trace (layout in workloads/trace.proto): a header, length-delimited Request
// messages streamed with one reused message, an end marker with the record count. Stored ids are
// ignored: requests are renumbered 0, 1, 2, ... as every reader does. Records are named by their
// 0-based index in the file. Truncation and garbage are errors, never a shorter trace.
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <memory>

#include "models/errors.hpp"
#include "workloads/native_trace.hpp"
#include "workloads/trace_source.hpp"

namespace moesim {
namespace {

using google::protobuf::io::CodedInputStream;

std::int64_t token_count(std::uint64_t v, const char* name) {
  if (v > std::uint64_t(std::numeric_limits<std::int64_t>::max())) {
    throw RowError(std::string(name) + " is too large: " + std::to_string(v));
  }
  return std::int64_t(v);
}

// False at the end of the stream (nothing more to read).
bool more(CodedInputStream& in) {
  const void* data = nullptr;
  int size = 0;
  return in.GetDirectBufferPointer(&data, &size);
}

// One message of `size` bytes; false when its body is cut short or unparsable. The parser takes
// the end of the file for the end of the message, so the bytes consumed must be counted.
bool read_delimited(CodedInputStream& in, std::uint32_t size, google::protobuf::MessageLite& m) {
  if (size > std::uint32_t(std::numeric_limits<int>::max())) return false;
  const int start = in.CurrentPosition();
  const auto limit = in.PushLimit(int(size));
  const bool ok = m.ParseFromCodedStream(&in) && in.ConsumedEntireMessage() &&
                  in.CurrentPosition() - start == int(size);
  in.PopLimit(limit);
  return ok;
}

class ProtobufSource final : public TraceSource {
 public:
  explicit ProtobufSource(TraceOptions o)
      : TraceSource(std::move(o)), file_(options().path, std::ios::binary) {
    if (!file_) throw InputError(options().path + ": cannot open file");  // unreadable
    std::string magic(kTraceMagic.size(), '\0');
    file_.read(magic.data(), std::streamsize(magic.size()));
    if (file_.gcount() == 0) {
      throw InputError(options().path + ": no requests in the file (it is empty)");
    }
    if (file_.gcount() != std::streamsize(magic.size()) || magic != kTraceMagic) {
      throw InputError(options().path +
                       ": not a moesim trace (no 'MOESIMTR' header; a trace written before format "
                       "version 2 has none: convert its source again with 'moesim trace "
                       "convert')");
    }
    stream_ = std::make_unique<google::protobuf::io::IstreamInputStream>(&file_);
    CodedInputStream in(stream_.get());
    std::uint32_t size = 0;
    trace::Header header;
    if (!in.ReadVarint32(&size) || !read_delimited(in, size, header)) {
      throw InputError(options().path + ": corrupt header");
    }
    if (header.version() != kTraceVersion) {
      throw InputError(options().path + ": format version " + std::to_string(header.version()) +
                       " (this moesim reads version " + std::to_string(kTraceVersion) + ")");
    }
  }

 protected:
  bool read_record(TraceRecord& rec) override {
    if (ended_) return false;
    index_ = next_index_++;
    // One CodedInputStream per record (as protobuf's delimited reader): no total-size limit over
    // a long file; its destructor hands unread bytes back to the file stream.
    CodedInputStream in(stream_.get());
    if (!more(in)) {
      throw InputError(where() + ": the file ends without its end marker (truncated?)");
    }
    std::uint32_t size = 0;
    if (!in.ReadVarint32(&size)) throw InputError(where() + ": truncated or corrupt record");
    if (size == 0) {
      end_of_file(in);
      return false;
    }
    message_.Clear();
    // The stream cannot be resynchronised after a bad size or body: never skippable.
    if (!read_delimited(in, size, message_)) {
      throw InputError(where() + ": truncated or corrupt record");
    }
    if (!std::isfinite(message_.arrival_s())) throw RowError("arrival_s is not finite");
    rec.time_s = message_.arrival_s();
    rec.prompt_tokens = token_count(message_.prompt_tokens(), "prompt_tokens");
    rec.output_tokens = token_count(message_.output_tokens(), "output_tokens");
    rec.prefix_blocks.assign(message_.prefix_blocks().begin(), message_.prefix_blocks().end());
    return true;
  }

  [[nodiscard]] std::string where() const override {
    return options().path + ": record " + std::to_string(index_);
  }

 private:
  // After the end marker: the Footer, its count, then nothing.
  void end_of_file(CodedInputStream& in) {
    ended_ = true;
    const std::string at =
        options().path + ": end marker (after " + std::to_string(index_) + " records)";
    std::uint32_t size = 0;
    trace::Footer footer;
    if (!in.ReadVarint32(&size) || !read_delimited(in, size, footer)) {
      throw InputError(at + ": truncated or corrupt footer");
    }
    if (footer.records() != std::uint64_t(index_)) {
      throw InputError(at + ": the footer counts " + std::to_string(footer.records()) + " records");
    }
    if (more(in)) throw InputError(at + ": unexpected data after the end of the trace");
  }

  std::ifstream file_;
  std::unique_ptr<google::protobuf::io::IstreamInputStream> stream_;
  trace::Request message_;
  std::int64_t index_ = 0;
  std::int64_t next_index_ = 0;
  bool ended_ = false;
};

}  // namespace

void register_protobuf_source(SourceRegistry& r) {
  r.add({"protobuf",
         "moesim's native trace: a header, length-delimited moesim.trace.Request messages and "
         "an end marker (workloads/trace.proto), streamed",
         trace_params(), [](const ParamSet& p, const SourceContext& ctx) {
           return std::make_unique<ProtobufSource>(trace_options("protobuf", p, ctx));
         }});
}

}  // namespace moesim
