// moesim's native trace (workloads/trace.proto): length-delimited Request messages, streamed
// with one reused message. Stored ids are ignored: requests are renumbered 0, 1, 2, ... as
// every reader does. Records are named by their 0-based index in the file.
#include <google/protobuf/io/zero_copy_stream_impl.h>
#include <google/protobuf/util/delimited_message_util.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <memory>

#include "models/errors.hpp"
#include "workloads/trace.pb.h"
#include "workloads/trace_source.hpp"

namespace moesim {
namespace {

std::int64_t token_count(std::uint64_t v, const char* name) {
  if (v > std::uint64_t(std::numeric_limits<std::int64_t>::max())) {
    throw RowError(std::string(name) + " is too large: " + std::to_string(v));
  }
  return std::int64_t(v);
}

class ProtobufSource final : public TraceSource {
 public:
  explicit ProtobufSource(TraceOptions o)
      : TraceSource(std::move(o)), file_(options().path, std::ios::binary) {
    if (!file_) throw InputError(options().path + ": cannot open file");
    stream_ = std::make_unique<google::protobuf::io::IstreamInputStream>(&file_);
  }

 protected:
  bool read_record(TraceRecord& rec) override {
    index_ = next_index_++;
    message_.Clear();
    bool clean_eof = false;
    if (!google::protobuf::util::ParseDelimitedFromZeroCopyStream(&message_, stream_.get(),
                                                                  &clean_eof)) {
      if (clean_eof) return false;
      // The stream cannot be resynchronised after a bad size or body: never skippable.
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
  std::ifstream file_;
  std::unique_ptr<google::protobuf::io::IstreamInputStream> stream_;
  moesim::trace::Request message_;
  std::int64_t index_ = 0;
  std::int64_t next_index_ = 0;
};

}  // namespace

void register_protobuf_source(SourceRegistry& r) {
  r.add({"protobuf",
         "moesim's native trace: length-delimited moesim.trace.Request messages "
         "(workloads/trace.proto), streamed",
         trace_params(), [](const ParamSet& p, const SourceContext& ctx) {
           return std::make_unique<ProtobufSource>(trace_options("protobuf", p, ctx));
         }});
}

}  // namespace moesim
