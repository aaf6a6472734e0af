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
  if (reuse_) take_from_queue(extra);
  peak_ = std::max(peak_, used_);
  return true;
}

void KvCache::release(Sequence& s) {
  used_ -= s.kv_blocks;
  if (reuse_ && s.kv_blocks > 0) queue_.push_back({kFree, s.kv_blocks});
  s.kv_blocks = 0;
}

void KvCache::set_reuse_preempted(bool on) {
  reuse_ = on;
  queue_.clear();
  owned_.clear();
  if (on && capacity_ > used_) queue_.push_back({kFree, capacity_ - used_});
}

void KvCache::release_preempted(Sequence& s) {
  if (!reuse_ || s.kv_blocks == 0) return release(s);
  used_ -= s.kv_blocks;
  queue_.push_back({s.req.id, s.kv_blocks});
  owned_[s.req.id] = std::prev(queue_.end());
  s.kv_blocks = 0;
}

std::int64_t KvCache::reclaim(Sequence& s) {
  if (!reuse_) return 0;
  const auto it = owned_.find(s.req.id);
  if (it == owned_.end()) return 0;
  const std::int64_t blocks = it->second->blocks;
  queue_.erase(it->second);
  owned_.erase(it);
  used_ += blocks;
  s.kv_blocks += blocks;
  peak_ = std::max(peak_, used_);
  return blocks;
}

void KvCache::take_from_queue(std::int64_t blocks) {
  while (blocks > 0 && !queue_.empty()) {
    Segment& front = queue_.front();
    const std::int64_t n = std::min(blocks, front.blocks);
    front.blocks -= n;  // an owner's segment loses its tail blocks: its prefix shrinks
    blocks -= n;
    if (front.blocks == 0) {
      if (front.owner != kFree) owned_.erase(front.owner);
      queue_.pop_front();
    }
  }
}

}  // namespace moesim
