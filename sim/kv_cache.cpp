#include "sim/kv_cache.hpp"

#include <algorithm>

namespace moesim {

Sequence::Sequence(Request r, std::uint64_t root_seed)
    : req(std::move(r)),
      to_prefill(req.prompt_tokens),
      rng(root_seed, "sequence/" + std::to_string(req.id)) {}

bool KvCache::can_reserve(const Sequence& s, std::int64_t tokens) const {
  const std::int64_t extra = blocks_for(tokens) - s.kv_blocks;
  return extra <= 0 || used_ + extra <= capacity_;
}

bool KvCache::reserve(Sequence& s, std::int64_t tokens) {
  const std::int64_t extra = blocks_for(tokens) - s.kv_blocks;
  if (extra <= 0) return true;
  if (used_ + extra > capacity_) return false;
  used_ += extra;
  s.kv_blocks += extra;
  peak_ = std::max(peak_, used_);
  return true;
}

void KvCache::release(Sequence& s) {
  used_ -= s.kv_blocks;
  s.kv_blocks = 0;
}

}  // namespace moesim
