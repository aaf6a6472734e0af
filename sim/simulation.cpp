#include "sim/simulation.hpp"

#include <simgrid/kernel/Timer.hpp>
#include <simgrid/s4u.hpp>
#include <xbt/log.h>

#include <queue>

namespace moesim {
namespace {

enum class EventKind { kStepEnd = 0, kArrival = 1 };

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

class Driver {
 public:
  Driver(SimulationSetup& setup, SimObserver& obs,
         const std::function<void(std::int64_t, std::int64_t)>& progress)
      : setup_(setup), obs_(obs), progress_(progress) {
    for (int i = 0; i < setup.replicas; ++i) {
      instances_.push_back(std::make_unique<Instance>(
          i, setup.target, setup.make_scheduler(),
          KvCache(setup.kv_capacity_blocks, setup.kv_block_size), setup.speculation));
    }
    loads_.resize(instances_.size());
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
    totals_.simulated_time = Seconds(simgrid::s4u::Engine::get_clock());
    for (const auto& inst : instances_) {
      totals_.preemptions += inst->preemptions();
      totals_.kv_blocks_in_use_at_end += inst->kv().used();
      const double cap = double(inst->kv().capacity());
      if (cap > 0) {
        totals_.kv_peak_utilization =
            std::max(totals_.kv_peak_utilization, double(inst->kv().peak()) / cap);
      }
    }
    totals_.skipped_rows = setup_.source->skipped_rows();
    totals_.kv_capacity_blocks = setup_.kv_capacity_blocks;
    return totals_;
  }

 private:
  void push(Event e) {
    e.order = order_++;
    queue_.push(e);
    simgrid::kernel::timer::Timer::set(e.time, [this] { dispatch(); });
  }

  // Pulls one request from the source; closed loop arrivals happen `now`.
  void pull_next(double now, bool closed_loop) {
    auto r = setup_.source->next();
    if (!r) {
      source_done_ = true;
      return;
    }
    totals_.requests_total += 1;
    const double at = closed_loop ? now : std::max(now, r->arrival.value());
    if (closed_loop) r->arrival = Seconds(at);
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
      if (e.kind == EventKind::kArrival) on_arrival(now, e.key);
      else on_step_end(now, int(e.key));
    }
  }

  void on_arrival(double now, std::int64_t id) {
    auto it = pending_.find(id);
    std::unique_ptr<Sequence> seq = std::move(it->second);
    pending_.erase(it);
    const bool closed = setup_.source->concurrency() > 0;
    if (!closed) pull_next(now, false);
    const auto& req = seq->req;
    if (setup_.max_model_len > 0 && req.prompt_tokens + req.output_tokens > setup_.max_model_len) {
      reject(*seq, "longer than max_model_len", now);
      return;
    }
    if (setup_.kv_capacity_blocks * setup_.kv_block_size < req.prompt_tokens + req.output_tokens) {
      reject(*seq, "larger than the KV cache", now);
      return;
    }
    for (std::size_t i = 0; i < instances_.size(); ++i) {
      loads_[i].outstanding_tokens = instances_[i]->outstanding_tokens();
      loads_[i].sequences = instances_[i]->sequences();
      const double cap = double(instances_[i]->kv().capacity());
      loads_[i].kv_utilization = cap > 0 ? double(instances_[i]->kv().used()) / cap : 0.0;
    }
    const int target = setup_.router->choose(req, loads_);
    Sequence* raw = seq.get();
    live_.emplace(id, std::move(seq));
    instances_[target]->enqueue(raw);
    try_start(now, target);
  }

  void reject(const Sequence& s, const char* reason, double now) {
    totals_.requests_rejected += 1;
    obs_.on_rejected(s, reason);
    if (setup_.source->concurrency() > 0) pull_next(now, true);
  }

  void try_start(double now, int i) {
    Instance& inst = *instances_[i];
    if (inst.busy()) return;
    if (inst.start_step(Seconds(now), !source_done_)) {
      push({inst.step_end().value(), EventKind::kStepEnd, i, 0});
      return;
    }
    if (source_done_ && pending_.empty()) {
      std::vector<Sequence*> dropped;
      inst.drop_unrunnable(dropped);
      for (Sequence* s : dropped) {
        reject(*s, "never admitted (KV cache too small)", now);
        live_.erase(std::int64_t(s->req.id));
      }
    }
  }

  void on_step_end(double now, int i) {
    Instance& inst = *instances_[i];
    std::vector<Sequence*> finished;
    inst.finish_step(Seconds(now), finished);
    totals_.steps += 1;
    obs_.on_step(inst.last_step());
    if (!inst.itl_samples().empty()) obs_.on_itl(inst.itl_samples());
    const bool closed = setup_.source->concurrency() > 0;
    for (Sequence* s : finished) {
      totals_.requests_completed += 1;
      obs_.on_finished(*s);
      live_.erase(std::int64_t(s->req.id));
      if (closed) pull_next(now, true);
    }
    if (progress_ && (totals_.steps & 0x3fff) == 0) {
      progress_(totals_.requests_completed, totals_.requests_total);
    }
    try_start(now, i);
  }

  SimulationSetup& setup_;
  SimObserver& obs_;
  const std::function<void(std::int64_t, std::int64_t)>& progress_;
  std::vector<std::unique_ptr<Instance>> instances_;
  std::vector<InstanceLoad> loads_;
  std::priority_queue<Event, std::vector<Event>, std::greater<>> queue_;
  std::map<std::int64_t, std::unique_ptr<Sequence>> pending_;  // pulled, not yet arrived
  std::map<std::int64_t, std::unique_ptr<Sequence>> live_;     // in an instance
  std::uint64_t order_ = 0;
  bool source_done_ = false;
  SimulationTotals totals_;
};

}  // namespace

SimulationTotals run_simulation(SimulationSetup& setup, SimObserver& observer,
                                const std::function<void(std::int64_t, std::int64_t)>& progress) {
  int argc = 1;
  char name[] = "moesim";
  char* argv[] = {name, nullptr};
  xbt_log_control_set("root.thresh:critical");
  simgrid::s4u::Engine engine(&argc, argv);
  // DESIGN.md section 6: network model settings must precede any zone.
  simgrid::s4u::Engine::set_config("network/model:CM02");
  simgrid::s4u::Engine::set_config("network/crosstraffic:0");
  simgrid::s4u::Engine::set_config("network/TCP-gamma:0");
  auto* zone = simgrid::s4u::create_star_zone("cluster");
  const double speed = setup.target->hardware().peak_for(DType::kBf16).value();
  for (int i = 0; i < setup.replicas; ++i) {
    zone->create_host("instance-" + std::to_string(i), speed > 0 ? speed : 1.0);
  }
  zone->seal();
  Driver driver(setup, observer, progress);
  driver.start();
  engine.run();
  return driver.totals();
}

}  // namespace moesim
