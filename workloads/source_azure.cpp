// Azure LLM inference trace (2023): CSV with the header TIMESTAMP,ContextTokens,GeneratedTokens
// (columns found by name, extra columns ignored) and wall-clock timestamps such as
// "2023-11-16 18:15:46.6805900". Timestamps are read without locale or time zone into integer
// nanoseconds, so the 7 fractional digits survive; only differences between rows are used.
#include <array>
#include <fstream>
#include <memory>
#include <optional>

#include "models/csv.hpp"
#include "models/errors.hpp"
#include "workloads/text_input.hpp"
#include "workloads/trace_source.hpp"

namespace moesim {
namespace {

bool digits(std::string_view s, std::size_t pos, std::size_t n, std::int64_t& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

bool leap_year(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// Days from 0001-01-01 to y-m-d in the proleptic Gregorian calendar.
std::int64_t day_number(std::int64_t y, std::int64_t m, std::int64_t d) {
  static constexpr std::array<std::int64_t, 12> kBeforeMonth{0,   31,  59,  90,  120, 151,
                                                             181, 212, 243, 273, 304, 334};
  const std::int64_t p = y - 1;
  return 365 * p + p / 4 - p / 100 + p / 400 + kBeforeMonth[std::size_t(m - 1)] +
         ((m > 2 && leap_year(y)) ? 1 : 0) + (d - 1);
}

// "YYYY-MM-DD HH:MM:SS" with an optional ".f" of 1 to 9 digits ('T' also separates date and
// time) -> nanoseconds since 1970-01-01 00:00:00. Years 1970..2261 only: then every timestamp
// and every difference of two fits 64-bit nanoseconds (292 years; counted from year 1, 2023
// already needed 6.4e19 ns: UBSan found that, and fuzzing then found differences of two
// in-range years overflowing when years before 1970 were allowed).
std::optional<std::int64_t> parse_wall_clock_ns(std::string_view s) {
  std::int64_t y, mo, d, h, mi, sec;
  if (s.size() < 19 || !digits(s, 0, 4, y) || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d) || (s[10] != ' ' && s[10] != 'T') || !digits(s, 11, 2, h) ||
      s[13] != ':' || !digits(s, 14, 2, mi) || s[16] != ':' || !digits(s, 17, 2, sec)) {
    return std::nullopt;
  }
  if (y < 1970 || y > 2261 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
      sec > 60) {
    return std::nullopt;
  }
  std::int64_t frac_ns = 0;
  if (s.size() > 19) {
    const std::size_t n = s.size() - 20;
    if (s[19] != '.' || n < 1 || n > 9 || !digits(s, 20, n, frac_ns)) return std::nullopt;
    for (std::size_t i = n; i < 9; ++i) frac_ns *= 10;
  }
  const std::int64_t seconds =
      (day_number(y, mo, d) - day_number(1970, 1, 1)) * 86400 + h * 3600 + mi * 60 + sec;
  return seconds * 1'000'000'000 + frac_ns;
}

class AzureSource final : public TraceSource {
 public:
  explicit AzureSource(TraceOptions o)
      : TraceSource(std::move(o)),
        in_(open(options().path), options().path,
            CsvOptions{.trim = true, .check_fields = false}) {
    if (!in_.has_header()) {
      throw InputError(in_.path() + ": no requests in the file (it is empty; expected the header " +
                       kHeader + ")");
    }
    time_col_ = column("TIMESTAMP");
    prompt_col_ = column("ContextTokens");
    output_col_ = column("GeneratedTokens");
    fields_ = in_.header().size();
  }

 protected:
  bool read_record(TraceRecord& rec) override {
    if (!in_.next(row_)) return false;
    const std::vector<std::string>& f = row_.fields;
    if (f.size() != fields_) {  // a RowError, which skip_bad_rows may skip
      throw RowError("expected " + std::to_string(fields_) + " fields, got " +
                     std::to_string(f.size()));
    }
    const auto ns = parse_wall_clock_ns(f[time_col_]);
    if (!ns) {
      throw RowError("TIMESTAMP: expected 'YYYY-MM-DD HH:MM:SS.fffffff' (years 1970 to 2261), "
                     "got '" + std::string(f[time_col_]) + "'");
    }
    if (!origin_ns_) origin_ns_ = *ns;
    rec.time_s = double(*ns - *origin_ns_) / 1e9;
    rec.prompt_tokens = count(f[prompt_col_], "ContextTokens");
    rec.output_tokens = count(f[output_col_], "GeneratedTokens");
    return true;
  }

  [[nodiscard]] std::string where() const override { return in_.where(); }

 private:
  static constexpr const char* kHeader = "TIMESTAMP,ContextTokens,GeneratedTokens";

  static std::unique_ptr<std::istream> open(const std::string& path) {
    auto in = std::make_unique<std::ifstream>(path, std::ios::binary);
    if (!*in) throw InputError(path + ": cannot open file");
    return in;
  }

  std::size_t column(std::string_view name) const {
    const auto c = in_.column(name);
    if (!c) {
      throw InputError(in_.where() + ": missing column '" + std::string(name) +
                       "' (header has: " + join_fields(in_.header()) + ")");
    }
    return *c;
  }

  static std::int64_t count(std::string_view field, const char* name) {
    std::int64_t v = 0;
    if (!parse_count(field, v)) {
      throw RowError(std::string(name) + ": expected a non-negative integer, got '" +
                     std::string(field) + "'");
    }
    return v;
  }

  CsvReader in_;
  CsvRecord row_;  // reused: no allocation per row
  std::size_t time_col_ = 0, prompt_col_ = 0, output_col_ = 0, fields_ = 0;
  std::optional<std::int64_t> origin_ns_;  // first timestamp read; keeps times small and exact
};

}  // namespace

void register_azure_source(SourceRegistry& r) {
  r.add({"azure",
         "Azure LLM inference trace CSV (TIMESTAMP,ContextTokens,GeneratedTokens), streamed",
         trace_params(), [](const ParamSet& p, const SourceContext& ctx) {
           return std::make_unique<AzureSource>(trace_options("azure", p, ctx));
         }});
}

}  // namespace moesim
