// The body shared by the trace-reader targets: the input becomes a trace file, which is read to
// its end twice, strictly and with skip_bad_rows, checking the reader's promises on the way.
#pragma once

#include <cmath>

#include "fuzz/fuzz_support.hpp"
#include "workloads/request_source.hpp"

namespace moesim::fuzz {

inline void drain_trace(const std::string& format, const std::string& file_name,
                        const std::uint8_t* data, std::size_t size) {
  const std::string path = write_input(file_name, data, size);
  for (const bool skip : {false, true}) {
    expected_errors([&] {
      ParamSet p;
      p.set("path", path);
      p.set("skip_bad_rows", skip);
      auto source = request_sources().create(format, std::move(p), SourceContext{});
      std::uint64_t expected_id = 0;
      double previous = 0.0;
      while (auto r = source->next()) {
        // request_source.hpp: ids 0, 1, 2, ..., arrivals non-decreasing from 0, lengths >= 1.
        require(r->id == expected_id++, "request ids are 0, 1, 2, ...");
        require(std::isfinite(r->arrival.value()), "arrival is finite");
        require(r->arrival.value() >= previous, "arrivals never decrease");
        require(r->prompt_tokens >= 1 && r->output_tokens >= 1, "lengths are at least 1");
        previous = r->arrival.value();
      }
      require(skip || source->skipped_rows() == 0, "no skipped rows without skip_bad_rows");
    });
  }
}

}  // namespace moesim::fuzz
