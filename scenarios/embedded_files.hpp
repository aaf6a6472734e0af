// Text files compiled into the binary: the model and hardware catalogs and the shipped
// top-level scenarios, so moesim runs from any working directory.
#pragma once

#include <string>
#include <vector>

namespace moesim {

struct EmbeddedFile {
  const char* path;  // relative to the source tree ("models/catalog/models/llama-3-8b.yaml")
  const char* text;
};

[[nodiscard]] const std::vector<EmbeddedFile>& embedded_files();

}  // namespace moesim
