#include "cli/version.hpp"

#ifndef MOESIM_VERSION
#define MOESIM_VERSION "unknown"
#endif
#ifndef MOESIM_GIT_REVISION
#define MOESIM_GIT_REVISION "unknown"
#endif

namespace moesim {

std::string version_text() {
  return std::string("moesim ") + MOESIM_VERSION + " (git " + MOESIM_GIT_REVISION + ")\n";
}

}  // namespace moesim
