// One inference request as the simulator sees it.
#pragma once

#include <cstdint>
#include <vector>

#include "models/units.hpp"

namespace moesim {

struct Request {
  std::uint64_t id = 0;          // 0, 1, 2, ... in arrival order
  Seconds arrival{0};            // since the start of the run (closed loop: ignored)
  std::int64_t prompt_tokens = 0;
  std::int64_t output_tokens = 0;
  std::vector<std::uint64_t> prefix_blocks;  // hashes of 512-token prompt blocks (Mooncake)
};

}  // namespace moesim
