// Empirical lengths from a CSV with a header (such as data/lengths/*.csv): the two
// named columns of every row are read once into memory, and each sample is a row picked
// uniformly (one uniform() per sample). Zero output tokens become 1, as in trace readers; a zero
// prompt or a malformed row is an InputError("PATH:LINE: ...").
#include <algorithm>
#include <cmath>
#include <fstream>

#include "models/csv.hpp"
#include "models/errors.hpp"
#include "workloads/plugin_params.hpp"
#include "workloads/request_source.hpp"
#include "workloads/text_input.hpp"

namespace moesim {
namespace {

class FileLengths final : public LengthDistribution {
 public:
  FileLengths(const std::string& path, const std::string& prompt_col,
              const std::string& output_col) {
    check_input_file(path, "path");
    std::ifstream file(path, std::ios::binary);
    if (!file) throw InputError(path + ": cannot open file");
    CsvReader in(file, path, CsvOptions{.trim = true});  // a wrong field count: "PATH:LINE: ..."
    if (!in.has_header()) throw InputError(path + ": empty file; expected a header row");
    const std::size_t p = column(in, prompt_col);
    const std::size_t o = column(in, output_col);
    CsvRecord row;
    while (in.next(row)) {
      const std::vector<std::string>& f = row.fields;
      const std::int64_t prompt = count(in, f[p], prompt_col);
      if (prompt < 1) throw InputError(in.where() + ": " + prompt_col + " must be at least 1");
      rows_.emplace_back(prompt, std::max<std::int64_t>(1, count(in, f[o], output_col)));
    }
    if (rows_.empty()) throw InputError(path + ": no rows after the header");
  }

  std::pair<std::int64_t, std::int64_t> sample(RandomStream& rng) const override {
    const auto i = std::size_t(std::floor(rng.uniform() * double(rows_.size())));
    return rows_[i];
  }

 private:
  static std::size_t column(const CsvReader& in, const std::string& name) {
    const auto c = in.column(name);
    if (!c) {
      throw InputError(in.where() + ": no column '" + name +
                       "' (header has: " + join_fields(in.header()) + ")");
    }
    return *c;
  }

  static std::int64_t count(const CsvReader& in, std::string_view field, const std::string& name) {
    std::int64_t v = 0;
    if (!parse_count(field, v)) {
      throw InputError(in.where() + ": " + name + ": expected a non-negative integer, got '" +
                       std::string(field) + "'");
    }
    return v;
  }

  std::vector<std::pair<std::int64_t, std::int64_t>> rows_;
};

}  // namespace

void register_file_lengths(LengthRegistry& r) {
  r.add({"file",
         "lengths sampled uniformly from the rows of a CSV (read once into memory)",
         {required_string_param("path",
                                "CSV with a header row; the caller resolves a relative "
                                "path against the scenario's directory"),
          string_param("prompt_column", "num_prefill_tokens", {}, "column of prompt tokens"),
          string_param("output_column", "num_decode_tokens", {}, "column of output tokens")},
         [](const ParamSet& p) {
           return std::make_unique<FileLengths>(p.text("path"), p.text("prompt_column"),
                                                p.text("output_column"));
         }});
}

}  // namespace moesim
