// Paged KV-cache accounting of one instance: fixed-size blocks, allocated as sequences grow and
// returned when they finish or are preempted. Every block is accounted for.
#pragma once

#include <cstdint>
#include <list>
#include <map>

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

  // Reuse of a preempted sequence's blocks (vLLM V1 with prefix caching): released blocks join a
  // free queue, oldest release first; allocation takes blocks from its front. A preempted
  // sequence's blocks (release_preempted) stay claimable by it until allocation reaches them;
  // they are evicted tail block first (vLLM frees a request's blocks in reverse order).
  // Off by default: then release_preempted is release and reclaim returns 0.
  void set_reuse_preempted(bool on);
  void release_preempted(Sequence& s);
  // Takes back the blocks `s` still has cached since its preemption (they become used again and
  // held by `s`); returns how many.
  std::int64_t reclaim(Sequence& s);

  [[nodiscard]] std::int64_t capacity() const { return capacity_; }
  [[nodiscard]] std::int64_t used() const { return used_; }
  [[nodiscard]] std::int64_t peak() const { return peak_; }
  [[nodiscard]] int block_size() const { return block_size_; }

 private:
  std::int64_t capacity_;
  int block_size_;
  std::int64_t used_ = 0;
  std::int64_t peak_ = 0;
  // Free queue (reuse mode): segments of blocks, owner request id or kFree, oldest first; the
  // blocks of all segments are capacity - used.
  static constexpr std::uint64_t kFree = ~std::uint64_t(0);
  struct Segment {
    std::uint64_t owner;
    std::int64_t blocks;
  };
  bool reuse_ = false;
  std::list<Segment> queue_;
  std::map<std::uint64_t, std::list<Segment>::iterator> owned_;
  void take_from_queue(std::int64_t blocks);
};

}  // namespace moesim
