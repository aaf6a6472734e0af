// An LRU cache of prompt-prefix blocks (content hashes such as Mooncake's hash_ids, one per
// fixed-size block of prompt tokens). A request reuses the longest run of leading blocks found.
#pragma once

#include <cstdint>
#include <list>
#include <unordered_map>
#include <vector>

namespace moesim {

class PrefixCache {
 public:
  explicit PrefixCache(std::int64_t capacity_blocks) : capacity_(capacity_blocks) {}

  // Number of leading blocks of `blocks` present (no state change).
  [[nodiscard]] std::int64_t match(const std::vector<std::uint64_t>& blocks) const;
  // Marks every block of `blocks` most recently used, inserting missing ones and evicting the
  // least recently used beyond capacity.
  void insert(const std::vector<std::uint64_t>& blocks);
  [[nodiscard]] std::int64_t size() const { return std::int64_t(lru_.size()); }

 private:
  std::int64_t capacity_;
  std::list<std::uint64_t> lru_;  // front: most recent
  std::unordered_map<std::uint64_t, std::list<std::uint64_t>::iterator> where_;
};

}  // namespace moesim
