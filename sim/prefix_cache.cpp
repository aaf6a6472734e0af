#include "sim/prefix_cache.hpp"

namespace moesim {

std::int64_t PrefixCache::match(const std::vector<std::uint64_t>& blocks) const {
  std::int64_t n = 0;
  for (std::uint64_t b : blocks) {
    if (where_.find(b) == where_.end()) break;
    ++n;
  }
  return n;
}

void PrefixCache::insert(const std::vector<std::uint64_t>& blocks) {
  if (capacity_ <= 0) return;
  // Last block first, so that the leading (most shared) blocks end up most recently used.
  for (auto rit = blocks.rbegin(); rit != blocks.rend(); ++rit) {
    const std::uint64_t b = *rit;
    auto it = where_.find(b);
    if (it != where_.end()) {
      lru_.splice(lru_.begin(), lru_, it->second);
      continue;
    }
    lru_.push_front(b);
    where_[b] = lru_.begin();
    if (std::int64_t(lru_.size()) > capacity_) {
      where_.erase(lru_.back());
      lru_.pop_back();
    }
  }
}

}  // namespace moesim
