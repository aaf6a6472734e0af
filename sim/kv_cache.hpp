// Paged KV-cache accounting of one instance: fixed-size blocks, allocated as sequences grow and
// returned when they finish or are preempted. Every block is accounted for.
#pragma once

#include <cstdint>

#include "sim/sequence.hpp"

namespace moesim {

class KvCache {
 public:
  KvCache(std::int64_t capacity_blocks, int block_size)
      : capacity_(capacity_blocks), block_size_(block_size) {}

  [[nodiscard]] std::int64_t blocks_for(std::int64_t tokens) const {
    return (tokens + block_size_ - 1) / block_size_;
  }
  // Grows `s` to hold `tokens` tokens; false (and no change) when blocks are short.
  bool reserve(Sequence& s, std::int64_t tokens);
  [[nodiscard]] bool can_reserve(const Sequence& s, std::int64_t tokens) const;
  void release(Sequence& s);

  [[nodiscard]] std::int64_t capacity() const { return capacity_; }
  [[nodiscard]] std::int64_t used() const { return used_; }
  [[nodiscard]] std::int64_t peak() const { return peak_; }
  [[nodiscard]] int block_size() const { return block_size_; }

 private:
  std::int64_t capacity_;
  int block_size_;
  std::int64_t used_ = 0;
  std::int64_t peak_ = 0;
};

}  // namespace moesim
