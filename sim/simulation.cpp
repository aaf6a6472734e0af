#include "sim/simulation.hpp"

#include <simgrid/kernel/Timer.hpp>
#include <simgrid/s4u.hpp>
#include <xbt/log.h>

#include <algorithm>
#include <map>
#include <optional>
#include <queue>
#include <string>

#include "models/errors.hpp"

#include "sim/engine_setup.hpp"
#include "sim/prefix_cache.hpp"

namespace moesim {
namespace {

enum class EventKind { kStepEnd = 0, kKvArrival = 1, kPrefixLoaded = 2, kArrival = 3 };

struct Event {
  double time;
  EventKind kind;
  std::int64_t key;  // instance index or request id
  std::uint64_t order;
  bool operator>(const Event& o) const {
    if (time != o.time) return time > o.time;
    if (kind != o.kind) return kind > o.kind;
    if (key != o.key) return key > o.key;
    return order > o.order;
  }
};

struct Transfer {
  Sequence* seq = nullptr;
  int from = 0, to = 0, rank = 0;
  double start = 0, bytes = 0;
};

class Driver {
 public:
  Driver(SimulationSetup& setup, SimObserver& obs,
         const ProgressCallback& progress)
      : setup_(setup), obs_(obs), progress_(progress) {
    for (std::size_t i = 0; i < setup.instances.size(); ++i) {
      const InstanceSetup& is = setup.instances[i];
      DpRanks ranks;
      for (int r = 0; r < is.ranks; ++r) ranks.schedulers.push_back(setup.make_scheduler());
      if (is.ranks > 1) ranks.router = setup.make_rank_router();
      const std::int64_t rank_blocks = is.kv_capacity_blocks / is.ranks;
      instances_.push_back(std::make_unique<Instance>(
          int(i), is.target, std::move(ranks), KvCache(rank_blocks, setup.kv_block_size),
          setup.speculation, is.role, setup.engine));
      if (setup.reuse_preempted_kv) instances_.back()->set_reuse_preempted_kv(true);
      (is.role == InstanceRole::kDecode ? decode_ : front_).push_back(int(i));
      const bool own = !setup.prefix_cache.shared && is.role != InstanceRole::kDecode;
      caches_.emplace_back(own ? setup.prefix_cache.blocks : 0);
      min_capacity_tokens_ =
          std::min(min_capacity_tokens_, rank_blocks * std::int64_t(setup.kv_block_size));
    }
    if (setup.prefix_cache.shared) shared_cache_.emplace(setup.prefix_cache.blocks);
    loading_tokens_.assign(setup.instances.size(), 0);
    loading_sequences_.assign(setup.instances.size(), 0);
    network_ = std::make_unique<KvNetwork>(setup.network, [this](std::uint64_t id) {
      push({simgrid::s4u::Engine::get_clock(), EventKind::kKvArrival, std::int64_t(id), 0});
    });
  }

  void start() {
    const int concurrency = setup_.source->concurrency();
    if (concurrency > 0) {
      for (int i = 0; i < concurrency; ++i) pull_next(0.0, true);
    } else {
      pull_next(0.0, false);
    }
  }

  SimulationTotals totals() {
    const double now = simgrid::s4u::Engine::get_clock();
    totals_.simulated_time = Seconds(now);
    totals_.kv_capacity_blocks = instances_.empty() ? 0 : setup_.instances[0].kv_capacity_blocks;
    for (std::size_t i = 0; i < instances_.size(); ++i) {
      const Instance& inst = *instances_[i];
      totals_.preemptions += inst.preemptions();
      totals_.kv_blocks_in_use_at_end += inst.kv_used();
      totals_.kv_capacity_blocks = std::min(totals_.kv_capacity_blocks, inst.kv_capacity());
      totals_.kv_peak_utilization = std::max(totals_.kv_peak_utilization, inst.kv_peak_utilization());
    }
    if (network_ && now > 0) {
      const auto& bytes = network_->link_bytes();
      for (std::size_t l = 0; l < bytes.size(); ++l) {
        const double u = bytes[l] / (setup_.network.links[l].bandwidth * now);
        totals_.max_link_utilization = std::max(totals_.max_link_utilization, u);
      }
    }
    totals_.skipped_rows = setup_.source->skipped_rows();
    return totals_;
  }

 private:
  void push(Event e) {
    e.order = order_++;
    queue_.push(e);
    simgrid::kernel::timer::Timer::set(e.time, [this] { dispatch(); });
  }

  bool closed_loop() const { return setup_.source->concurrency() > 0; }

  // Pulls one request from the source; closed-loop arrivals happen `now`.
  void pull_next(double now, bool closed) {
    auto r = setup_.source->next();
    if (!r) {
      source_done_ = true;
      return;
    }
    totals_.requests_total += 1;
    const double at = closed ? now : std::max(now, r->arrival.value());
    if (closed) r->arrival = Seconds(at);
    auto seq = std::make_unique<Sequence>(std::move(*r), setup_.seed);
    const std::int64_t id = std::int64_t(seq->req.id);
    pending_.emplace(id, std::move(seq));
    push({at, EventKind::kArrival, id, 0});
  }

  void dispatch() {
    const double now = simgrid::s4u::Engine::get_clock();
    while (!queue_.empty() && queue_.top().time <= now) {
      const Event e = queue_.top();
      queue_.pop();
      switch (e.kind) {
        case EventKind::kArrival: on_arrival(now, e.key); break;
        case EventKind::kStepEnd: on_step_end(now, int(e.key)); break;
        case EventKind::kKvArrival: on_kv_arrival(now, e.key); break;
        case EventKind::kPrefixLoaded: on_prefix_loaded(now, e.key); break;
      }
    }
    if (queue_.empty() && transfers_.empty()) on_quiet(now);
  }

  // Nothing is left to happen: no event is queued and no KV transfer is in flight, so no request
  // can arrive at any instance until one of them starts a step. An instance that idles waiting
  // for more arrivals (static batching short of a full batch, e.g. closed-loop load below
  // batch_size) starts with what it has; requests that still cannot run are rejected. Without
  // this the run would end with them neither completed nor rejected.
  void on_quiet(double now) {
    bool started = false;
    for (std::size_t i = 0; i < instances_.size(); ++i) {
      Instance& inst = *instances_[i];
      if (inst.busy() || !inst.start_step(Seconds(now), false)) continue;
      push({inst.step_end().value(), EventKind::kStepEnd, std::int64_t(i), 0});
      started = true;
    }
    if (started) return;
    for (auto& inst : instances_) reject_unrunnable(*inst, now);
  }

  void reject_unrunnable(Instance& inst, double now) {
    std::vector<Sequence*> dropped;
    inst.drop_unrunnable(dropped);
    for (Sequence* s : dropped) {
      reject(*s, "never admitted (KV cache too small)", now);
      live_.erase(std::int64_t(s->req.id));
    }
  }

  void refresh_loads(const std::vector<int>& pool, const Request* r) {
    loads_.assign(pool.size(), InstanceLoad{});
    for (std::size_t k = 0; k < pool.size(); ++k) {
      const Instance& inst = *instances_[pool[k]];
      // Requests still loading their prefix from the pool are bound to the instance already.
      loads_[k].outstanding_tokens = inst.outstanding_tokens() + loading_tokens_[pool[k]];
      loads_[k].sequences = inst.sequences() + loading_sequences_[pool[k]];
      loads_[k].waiting = inst.waiting() + loading_sequences_[pool[k]];
      loads_[k].running = inst.running();
      const double cap = double(inst.kv_capacity());
      loads_[k].kv_utilization = cap > 0 ? double(inst.kv_used()) / cap : 0.0;
      if (r) loads_[k].prefix_blocks = cache(pool[k]).match(r->prefix_blocks);
    }
  }

  void on_arrival(double now, std::int64_t id) {
    auto it = pending_.find(id);
    std::unique_ptr<Sequence> seq = std::move(it->second);
    pending_.erase(it);
    if (!closed_loop()) pull_next(now, false);
    const auto& req = seq->req;
    if (setup_.max_model_len > 0 && req.prompt_tokens + req.output_tokens > setup_.max_model_len) {
      reject(*seq, "longer than max_model_len", now);
      return;
    }
    if (min_capacity_tokens_ < req.prompt_tokens + req.output_tokens) {
      reject(*seq, "larger than the KV cache", now);
      return;
    }
    const bool caching = setup_.prefix_cache.blocks > 0;
    refresh_loads(front_, caching ? &req : nullptr);
    const int k = setup_.router->choose(req, loads_);
    const int target = front_[k];
    if (caching) {
      const std::int64_t blocks = std::int64_t(req.prefix_blocks.size());
      const std::int64_t hit = std::min(loads_[k].prefix_blocks, blocks);
      totals_.prefix_blocks_total += blocks;
      totals_.prefix_blocks_hit += hit;
      const std::int64_t tokens =
          std::min(hit * setup_.prefix_cache.block_tokens, req.prompt_tokens - 1);
      seq->prefix_hit_tokens = tokens;
      seq->to_prefill -= tokens;
      seq->context += tokens;
    }
    Sequence* raw = seq.get();
    live_.emplace(id, std::move(seq));
    if (shared_cache_ && raw->prefix_hit_tokens > 0) {
      const PrefixCacheSetup& pc = setup_.prefix_cache;
      const double bytes =
          double(raw->prefix_hit_tokens) * setup_.instances[target].kv_bytes_per_token_per_device;
      const double load = bytes / pc.load_bandwidth + pc.load_latency;
      totals_.prefix_loads += 1;
      totals_.prefix_load_seconds += load;
      loading_.emplace(id, target);
      loading_tokens_[target] += raw->to_prefill + raw->remaining_output();
      loading_sequences_[target] += 1;
      push({now + load, EventKind::kPrefixLoaded, id, 0});
      return;
    }
    instances_[target]->enqueue(raw);
    try_start(now, target);
  }

  // Shared prefix cache: the hit's KV is in the instance's memory; the request can be scheduled.
  void on_prefix_loaded(double now, std::int64_t id) {
    auto it = loading_.find(id);
    const int target = it->second;
    loading_.erase(it);
    Sequence* seq = live_.at(id).get();
    loading_tokens_[target] -= seq->to_prefill + seq->remaining_output();
    loading_sequences_[target] -= 1;
    instances_[target]->enqueue(seq);
    try_start(now, target);
  }

  PrefixCache& cache(int instance) { return shared_cache_ ? *shared_cache_ : caches_[instance]; }

  void reject(const Sequence& s, const char* reason, double now) {
    totals_.requests_rejected += 1;
    obs_.on_rejected(s, reason);
    if (closed_loop()) pull_next(now, true);
  }

  void try_start(double now, int i) {
    Instance& inst = *instances_[i];
    if (inst.busy()) return;
    if (inst.start_step(Seconds(now), !source_done_ || !transfers_.empty() || !loading_.empty())) {
      push({inst.step_end().value(), EventKind::kStepEnd, i, 0});
      return;
    }
    if (source_done_ && pending_.empty() && transfers_.empty() && loading_.empty()) {
      reject_unrunnable(inst, now);
    }
  }

  [[noreturn]] void violation(const std::string& what) {
    throw InvariantError("invariant violated at t=" + std::to_string(simgrid::s4u::Engine::get_clock()) +
                         " s, step " + std::to_string(totals_.steps) + ": " + what);
  }

  void check_step(const Instance& inst) {
    const StepRecord& r = inst.last_step();
    if (r.duration.value() < 0 || !(r.duration.value() < 1e300)) {
      violation("instance " + std::to_string(inst.index()) + " step has duration " +
                std::to_string(r.duration.value()));
    }
    for (int k = 0; k < inst.ranks(); ++k) {
      const KvCache& kv = inst.kv(k);
      if (kv.used() > kv.capacity() || kv.used() < 0) {
        violation("instance " + std::to_string(inst.index()) +
                  (inst.ranks() > 1 ? " rank " + std::to_string(k) : std::string()) + " holds " +
                  std::to_string(kv.used()) + " KV blocks of " + std::to_string(kv.capacity()));
      }
    }
  }

  void check_finished(const Sequence& s) {
    const std::string who = "request " + std::to_string(s.req.id);
    if (s.generated != s.req.output_tokens) {
      violation(who + " finished with " + std::to_string(s.generated) + " of " +
                std::to_string(s.req.output_tokens) + " output tokens");
    }
    if (s.first_token < s.req.arrival || s.finish < s.first_token) {
      violation(who + " has arrival " + std::to_string(s.req.arrival.value()) + ", first token " +
                std::to_string(s.first_token.value()) + ", finish " +
                std::to_string(s.finish.value()));
    }
    if (s.kv_blocks != 0) violation(who + " finished holding " + std::to_string(s.kv_blocks) + " KV blocks");
  }

 public:
  void check_end() {
    if (totals_.requests_completed + totals_.requests_rejected != totals_.requests_total) {
      violation(std::to_string(totals_.requests_total) + " requests pulled but " +
                std::to_string(totals_.requests_completed) + " completed and " +
                std::to_string(totals_.requests_rejected) + " rejected");
    }
    if (!live_.empty()) {
      violation("request " + std::to_string(live_.begin()->first) + " never finished");
    }
    for (const auto& inst : instances_) {
      if (inst->kv_used() != 0) {
        violation("instance " + std::to_string(inst->index()) + " still holds " +
                  std::to_string(inst->kv_used()) + " KV blocks at the end");
      }
    }
  }

 private:
  void finish(Sequence* s, double now) {
    if (setup_.check_invariants) check_finished(*s);
    totals_.requests_completed += 1;
    obs_.on_finished(*s);
    live_.erase(std::int64_t(s->req.id));
    if (closed_loop()) pull_next(now, true);
  }

  void on_step_end(double now, int i) {
    Instance& inst = *instances_[i];
    std::vector<Sequence*> finished, handed_off;
    inst.finish_step(Seconds(now), finished, &handed_off);
    totals_.steps += 1;
    if (setup_.check_invariants) check_step(inst);
    obs_.on_step(inst.last_step());
    if (!inst.itl_samples().empty()) obs_.on_itl(inst.itl_samples());
    if (setup_.prefix_cache.blocks > 0 && inst.role() != InstanceRole::kDecode) {
      for (const StepItem& it : inst.plan().items) {
        if (it.prefill && it.seq->prefill_end.value() == now) {
          cache(i).insert(it.seq->req.prefix_blocks);
        }
      }
    }
    for (Sequence* s : handed_off) start_transfer(now, i, s);
    for (Sequence* s : finished) finish(s, now);
    if (progress_ && (totals_.steps & 0x3ff) == 0) {
      progress_({totals_.requests_completed + totals_.requests_rejected, totals_.requests_total,
                 now});
    }
    try_start(now, i);
  }

  void start_transfer(double now, int from, Sequence* s) {
    refresh_loads(decode_, nullptr);
    const int to = decode_[setup_.decode_router->choose(s->req, loads_)];
    const InstanceSetup& src = setup_.instances[from];
    const InstanceSetup& dst = setup_.instances[to];
    // The sequence lands in one attention group of the decode instance; each of its devices
    // receives what it holds of the KV, from the prefill devices in turn.
    const int groups = std::max<int>(1, int(dst.devices.size()) / std::max(1, dst.attention_group));
    // Per-rank scheduling: the rank is chosen now and its attention group receives the KV.
    const int rank = instances_[to]->place(s->req);
    const int g = dst.ranks > 1 ? rank : int(s->req.id % std::uint64_t(groups));
    std::vector<KvFlow> flows;
    double bytes = 0;
    for (int k = 0; k < dst.attention_group; ++k) {
      KvFlow f;
      f.src_device = src.devices[std::size_t(k) % src.devices.size()];
      f.dst_device = dst.devices[std::size_t(g * dst.attention_group + k) % dst.devices.size()];
      f.bytes = double(s->context) * dst.kv_bytes_per_token_per_device;
      bytes += f.bytes;
      flows.push_back(f);
    }
    const std::uint64_t id = s->req.id;
    transfers_[id] = Transfer{s, from, to, rank, now, bytes};
    totals_.kv_transfers += 1;
    totals_.kv_transfer_bytes += bytes;
    network_->start(id, flows);
  }

  void on_kv_arrival(double now, std::int64_t id) {
    auto it = transfers_.find(std::uint64_t(id));
    const Transfer t = it->second;
    transfers_.erase(it);
    instances_[t.from]->release_handed_off(*t.seq);
    t.seq->kv_arrival = Seconds(now);
    totals_.kv_transfer_s.push_back(now - t.start);
    instances_[t.to]->enqueue(t.seq, t.rank);
    try_start(now, t.to);
    try_start(now, t.from);
  }

  SimulationSetup& setup_;
  SimObserver& obs_;
  const ProgressCallback& progress_;
  std::vector<std::unique_ptr<Instance>> instances_;
  std::vector<int> front_, decode_;  // instance indices by role
  std::vector<PrefixCache> caches_;  // one per instance (empty for decode or a shared cache)
  std::optional<PrefixCache> shared_cache_;  // the pool-level cache, when shared
  std::map<std::int64_t, int> loading_;      // request id -> instance, prefix load in flight
  std::vector<std::int64_t> loading_tokens_;  // per instance: outstanding tokens of those loads
  std::vector<int> loading_sequences_;        // per instance: their number
  std::vector<InstanceLoad> loads_;
  std::unique_ptr<KvNetwork> network_;
  std::map<std::uint64_t, Transfer> transfers_;
  std::priority_queue<Event, std::vector<Event>, std::greater<>> queue_;
  std::map<std::int64_t, std::unique_ptr<Sequence>> pending_;  // pulled, not yet arrived
  std::map<std::int64_t, std::unique_ptr<Sequence>> live_;     // in an instance or in transfer
  std::int64_t min_capacity_tokens_ = std::int64_t(1) << 62;
  std::uint64_t order_ = 0;
  bool source_done_ = false;
  SimulationTotals totals_;
};

}  // namespace

SimulationTotals run_simulation(SimulationSetup& setup, SimObserver& observer,
                                const ProgressCallback& progress) {
  const auto engine = make_engine();
  Driver driver(setup, observer, progress);
  driver.start();
  engine->run();
  // Always (it is O(instances)): a run whose requests are neither all completed nor rejected
  // must not pass for a result.
  driver.check_end();
  return driver.totals();
}

}  // namespace moesim
