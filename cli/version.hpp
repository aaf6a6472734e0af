// What `moesim --version` prints: the project version (CMake's project VERSION) and the git
// revision of the source tree when it was configured ("unknown" outside a git checkout).
#pragma once

#include <string>

namespace moesim {

[[nodiscard]] std::string version_text();  // "moesim 0.1.0 (git 0123456789ab)\n"

}  // namespace moesim
