// Built-in routers: round_robin, least_outstanding_tokens, least_kv_usage, least_requests,
// prefix_aware.
#include "sim/router.hpp"

namespace moesim {
namespace {

class RoundRobinRouter final : public Router {
 public:
  int choose(const Request&, const std::vector<InstanceLoad>& loads) override {
    const int i = int(next_ % loads.size());
    ++next_;
    return i;
  }

 private:
  std::uint64_t next_ = 0;
};

template <class Key>
int argmin(const std::vector<InstanceLoad>& loads, Key key) {
  int best = 0;
  for (int i = 1; i < int(loads.size()); ++i) {
    if (key(loads[i]) < key(loads[best])) best = i;
  }
  return best;
}

class LeastTokensRouter final : public Router {
 public:
  int choose(const Request&, const std::vector<InstanceLoad>& loads) override {
    return argmin(loads, [](const InstanceLoad& l) { return l.outstanding_tokens; });
  }
};

class LeastKvRouter final : public Router {
 public:
  int choose(const Request&, const std::vector<InstanceLoad>& loads) override {
    return argmin(loads, [](const InstanceLoad& l) { return l.kv_utilization; });
  }
};

// vLLM's data-parallel load balancer (DPLBAsyncMPClient.get_core_engine_for_request in
// vllm/v1/engine/core_client.py): the lowest waiting_weight x waiting + running, waiting weighted
// 4 by default. vLLM reads counts the ranks publish every 100 ms and adds its own placements to
// the waiting count in between; here the counts are exact at the time of the choice.
class LeastRequestsRouter final : public Router {
 public:
  explicit LeastRequestsRouter(double waiting_weight) : weight_(waiting_weight) {}
  int choose(const Request&, const std::vector<InstanceLoad>& loads) override {
    return argmin(loads, [this](const InstanceLoad& l) {
      return weight_ * double(l.waiting) + double(l.running);
    });
  }

 private:
  double weight_;
};

// The instance holding the longest cached prefix of the request; ties (and no hit) go to the
// fewest outstanding tokens, then the lowest index.
class PrefixAwareRouter final : public Router {
 public:
  int choose(const Request&, const std::vector<InstanceLoad>& loads) override {
    int best = 0;
    for (int i = 1; i < int(loads.size()); ++i) {
      const auto& a = loads[i];
      const auto& b = loads[best];
      if (a.prefix_blocks > b.prefix_blocks ||
          (a.prefix_blocks == b.prefix_blocks && a.outstanding_tokens < b.outstanding_tokens)) {
        best = i;
      }
    }
    return best;
  }
};

}  // namespace

const RouterRegistry& routers() {
  static const RouterRegistry registry = [] {
    RouterRegistry r("router");
    r.add({"round_robin", "instances in turn", {},
           [](const ParamSet&) { return std::make_unique<RoundRobinRouter>(); }});
    r.add({"least_outstanding_tokens",
           "the instance with the fewest prompt + output tokens still to process", {},
           [](const ParamSet&) { return std::make_unique<LeastTokensRouter>(); }});
    r.add({"least_kv_usage", "the instance with the lowest KV-cache utilisation", {},
           [](const ParamSet&) { return std::make_unique<LeastKvRouter>(); }});
    r.add({"least_requests",
           "the lowest waiting_weight x waiting + running requests (vLLM's DP load balancer)",
           {number_param("waiting_weight", 4.0, 0.0, 1e6,
                         "weight of a waiting request against a running one (vLLM: 4)")},
           [](const ParamSet& p) {
             return std::make_unique<LeastRequestsRouter>(p.number("waiting_weight"));
           }});
    r.add({"prefix_aware",
           "the instance with the longest cached prompt prefix (serving.prefix_cache_blocks), "
           "then the fewest outstanding tokens", {},
           [](const ParamSet&) { return std::make_unique<PrefixAwareRouter>(); }});
    return r;
  }();
  return registry;
}

}  // namespace moesim
