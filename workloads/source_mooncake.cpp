// Mooncake trace: JSON lines {"timestamp": ms, "input_length": n, "output_length": n,
// "hash_ids": [..]}, keys in any order, unknown keys ignored. hash_ids name the 512-token
// prompt blocks (equal ids = shared prefix) and become Request::prefix_blocks.
#include <charconv>
#include <cmath>

#include "models/errors.hpp"
#include "workloads/flat_json.hpp"
#include "workloads/text_input.hpp"
#include "workloads/trace_source.hpp"

namespace moesim {
namespace {

using Kind = FlatJsonField::Kind;

const FlatJsonField& field(const std::vector<FlatJsonField>& fields, const char* key) {
  for (const auto& f : fields) {
    if (f.key == key) return f;
  }
  throw RowError(std::string("missing key \"") + key + "\"");
}

std::int64_t length_value(const FlatJsonField& f) {
  std::int64_t v = 0;
  if (f.kind != Kind::kNumber || !parse_count(f.text, v)) {
    throw RowError("\"" + f.key + "\": expected a non-negative integer, got " +
                   (f.kind == Kind::kNumber ? f.text : "a non-number"));
  }
  return v;
}

class MooncakeSource final : public TraceSource {
 public:
  explicit MooncakeSource(TraceOptions o) : TraceSource(std::move(o)), in_(options().path) {}

 protected:
  bool read_record(TraceRecord& rec) override {
    std::string line;
    if (!in_.next(line)) return false;
    const auto fields = parse_flat_json_object(line);
    const FlatJsonField& ts = field(fields, "timestamp");
    double ms = 0.0;
    if (ts.kind != Kind::kNumber ||
        std::from_chars(ts.text.data(), ts.text.data() + ts.text.size(), ms).ec != std::errc() ||
        !std::isfinite(ms)) {
      throw RowError("\"timestamp\": expected a number of milliseconds");
    }
    rec.time_s = ms / 1000.0;
    rec.prompt_tokens = length_value(field(fields, "input_length"));
    rec.output_tokens = length_value(field(fields, "output_length"));
    for (const auto& f : fields) {
      if (f.key != "hash_ids") continue;
      if (f.kind != Kind::kNumberArray) throw RowError("\"hash_ids\": expected an array");
      rec.prefix_blocks.reserve(f.items.size());
      for (const auto& item : f.items) {
        std::uint64_t id = 0;
        const char* end = item.data() + item.size();
        auto [ptr, ec] = std::from_chars(item.data(), end, id);
        if (ec != std::errc() || ptr != end) {
          throw RowError("\"hash_ids\": expected non-negative integers, got " + item);
        }
        rec.prefix_blocks.push_back(id);
      }
    }
    return true;
  }

  [[nodiscard]] std::string where() const override { return in_.where(); }

 private:
  LineReader in_;
};

}  // namespace

void register_mooncake_source(SourceRegistry& r) {
  r.add({"mooncake",
         "Mooncake JSON-lines trace (timestamp ms, input_length, output_length, hash_ids), "
         "streamed",
         trace_params(), [](const ParamSet& p, const SourceContext& ctx) {
           return std::make_unique<MooncakeSource>(trace_options("mooncake", p, ctx));
         }});
}

}  // namespace moesim
