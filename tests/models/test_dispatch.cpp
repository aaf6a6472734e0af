// Expert-dispatch modes: the node-limited counts by hand and by enumerating every routing of a
// small placement, the bytes each mode puts on scale-up and scale-out links, their prices on
// the link model, low_latency never slower than pairwise, the fused mode hiding behind the
// expert GEMMs, and pairwise equal to the builder without a mode.
#include <doctest/doctest.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "models/collective_model.hpp"
#include "models/comm_efficiency_link_class.hpp"
#include "models/dispatch_model.hpp"
#include "models/errors.hpp"
#include "models/step_cost.hpp"
#include "step_fixtures.hpp"

using namespace moesim;

namespace {
std::unique_ptr<DispatchModel> mode(const std::string& name, ParamSet p = {}) {
  return dispatch_models().create(name, std::move(p));
}

// 16 experts, top-2, 4 EP ranks (4 experts each, contiguous), 2 nodes of 2 ranks; 64 tokens,
// balanced (16 tokens and 32 pairs per rank), 1000 B per token.
DispatchInput small_input() {
  DispatchInput in;
  in.tokens = 64;
  in.experts = 16;
  in.top_k = 2;
  in.ep = 4;
  in.devices = 4;
  in.devices_per_node = 2;
  in.max_pairs = in.mean_pairs = 32;
  in.bytes_per_token = 1000;
  return in;
}

// Every routing of one token sent from rank `src`: the node-limited sends, averaged. With
// max_nodes = 1 the token first picks one of the 2 nodes, then 2 of its 8 experts.
NodeLimitedCounts enumerate(int max_nodes) {
  NodeLimitedCounts sum;
  double cases = 0;
  auto rank_of = [](int e) { return e / 4; };
  auto node_of = [](int r) { return r / 2; };
  for (int src = 0; src < 4; ++src) {
    for (int a = 0; a < 16; ++a) {
      for (int b = a + 1; b < 16; ++b) {
        if (max_nodes == 1 && node_of(rank_of(a)) != node_of(rank_of(b))) continue;
        const std::set<int> ranks{rank_of(a), rank_of(b)};
        std::set<int> nodes;
        for (int r : ranks) nodes.insert(node_of(r));
        double forwards = 0;
        for (int r : ranks) {
          // Lands on its own rank at home, else on the rank of the same index in the node.
          const int landing = node_of(r) == node_of(src) ? src : node_of(r) * 2 + src % 2;
          if (r != landing) ++forwards;
        }
        // max_nodes = 1: the node is chosen with probability 1/2, then C(8,2) = 28 pairs; the
        // unlimited case draws from C(16,2) = 120 pairs. Weight both to one per (src, node).
        const double w = max_nodes == 1 ? 1.0 / 28 : 2.0 / 120;
        sum.nodes += w * nodes.size();
        sum.remote_nodes += w * double(nodes.size() - nodes.count(node_of(src)));
        sum.ranks += w * ranks.size();
        sum.forwards += w * forwards;
        cases += w;
      }
    }
  }
  return {sum.nodes / cases, sum.remote_nodes / cases, sum.ranks / cases, sum.forwards / cases};
}
}  // namespace

TEST_CASE("dispatch modes: every built-in is registered, sorted by name") {
  CHECK(dispatch_models().names() ==
        std::vector<std::string>{"ascend_fused", "low_latency", "node_limited", "pairwise"});
}

TEST_CASE("miss_probability is C(a-b, k) / C(a, k)") {
  CHECK(miss_probability(16, 8, 2) == doctest::Approx(28.0 / 120));  // C(8,2) / C(16,2)
  CHECK(miss_probability(16, 4, 2) == doctest::Approx(66.0 / 120));  // C(12,2) / C(16,2)
  CHECK(miss_probability(8, 8, 2) == 0.0);
  CHECK(miss_probability(10, 0, 3) == 1.0);
}

TEST_CASE("node-limited counts: hand-computed and equal to enumerating every routing") {
  // E = 16, K = 2, 4 ranks of 4 experts, 2 nodes of 8 experts, no limit:
  //   nodes    = 2 (1 - C(8,2)/C(16,2))  = 2 (1 - 28/120) = 1.53333
  //   remote   = nodes x (2-1)/2          = 0.76667
  //   ranks    = 4 (1 - C(12,2)/C(16,2)) = 4 (1 - 66/120) = 1.8
  //   forwards = ranks (1 - 1/2)          = 0.9
  const NodeLimitedCounts c = node_limited_counts(16, 2, 4, 2, 0);
  CHECK(c.nodes == doctest::Approx(1.533333333));
  CHECK(c.remote_nodes == doctest::Approx(0.766666667));
  CHECK(c.ranks == doctest::Approx(1.8));
  CHECK(c.forwards == doctest::Approx(0.9));
  const NodeLimitedCounts e = enumerate(0);
  CHECK(e.nodes == doctest::Approx(c.nodes));
  CHECK(e.remote_nodes == doctest::Approx(c.remote_nodes));
  CHECK(e.ranks == doctest::Approx(c.ranks));
  CHECK(e.forwards == doctest::Approx(c.forwards));
  // At most M = 1 node: one node, remote half the time; ranks = 4 x 1/2 x (1 - C(4,2)/C(8,2))
  //   = 2 x 22/28 = 1.571429; forwards = 0.785714.
  const NodeLimitedCounts m = node_limited_counts(16, 2, 4, 2, 1);
  CHECK(m.nodes == doctest::Approx(1.0));
  CHECK(m.remote_nodes == doctest::Approx(0.5));
  CHECK(m.ranks == doctest::Approx(44.0 / 28));
  CHECK(m.forwards == doctest::Approx(22.0 / 28));
  const NodeLimitedCounts em = enumerate(1);
  CHECK(em.remote_nodes == doctest::Approx(m.remote_nodes));
  CHECK(em.ranks == doctest::Approx(m.ranks));
  CHECK(em.forwards == doctest::Approx(m.forwards));
}

TEST_CASE("node-limited dispatch bytes for the hand-computed placement") {
  const DispatchInput in = small_input();
  // 16 tokens per rank x 1000 B: scale-out 16 x 0.76667 x 1000 = 12,266.7 B; scale-up
  // 16 x 0.9 x 1000 = 14,400 B. Pairwise: 32 pairs x 1000 B x (1 - 1/4) = 24,000 B, of which
  // 2/3 (2 of 3 peers remote) = 16,000 B cross nodes.
  const DispatchModel::Call nl = mode("node_limited")->call(in);
  CHECK(nl.call.scale_out.value() == doctest::Approx(16 * 1000 * (46.0 / 60)));
  CHECK(nl.message.value() == doctest::Approx(16 * 1000 * (46.0 / 60 + 0.9)));
  CHECK(nl.call.efficiency == doctest::Approx(0.86));
  CHECK(nl.call.overhead.value() == doctest::Approx(20e-6));
  const DispatchModel::Call pw = mode("pairwise")->call(in);
  CHECK(pw.message.value() == doctest::Approx(24000));
  CHECK_FALSE(pw.call.splits());
  CHECK(pw.call.efficiency == 0.0);
  CHECK(pw.call.overhead.value() < 0);
  // The busiest rank's imbalance scales both shares: 40 of mean 32 pairs -> x 1.25.
  DispatchInput hot = in;
  hot.max_pairs = 40;
  CHECK(mode("node_limited")->call(hot).call.scale_out.value() ==
        doctest::Approx(1.25 * nl.call.scale_out.value()));
  // One node: no scale-out; each token once per other destination rank over scale-up:
  //   ranks 1.8 x (1 - 1/4) = 1.35 per token.
  DispatchInput one = in;
  one.devices_per_node = 4;
  const DispatchModel::Call nl1 = mode("node_limited")->call(one);
  CHECK(nl1.call.scale_out.value() == 0.0);
  CHECK(nl1.message.value() == doctest::Approx(16 * 1000 * 1.35));
}

TEST_CASE("node-limited: a limit leaving fewer than K experts is a ConfigError") {
  ParamSet p;
  p.set("max_nodes", std::int64_t(1));
  DispatchInput in = small_input();
  in.top_k = 9;  // one node holds 8 experts
  CHECK_THROWS_WITH_AS((void)mode("node_limited", p)->call(in),
                       "max_nodes 1 leaves 8 experts to choose from, fewer than top_k 9",
                       ConfigError);
}

TEST_CASE("the link model prices a split all-to-all on the links its shares use") {
  const Hardware hw = test::hardware();  // up 400 GB/s, 2 us; out 50 GB/s, 5 us; eta 0.75
  const LinkCollectiveModel links(hw, 2);
  Op op = collective_op(Collective::kAllToAll, Bytes(26666.67), 4);
  op.call.scale_out = Bytes(12266.67);
  op.call.efficiency = 0.86;
  op.call.overhead = Seconds(20e-6);
  // 20 us + max(14,400 / 400e9, 12,266.67 / 50e9) / 0.86 + 5 us
  const double expect = 20e-6 + (12266.67 / 50e9) / 0.86 + 5e-6;
  CHECK(links.time(op).value() == doctest::Approx(expect).epsilon(1e-9));
  // Without the split: 2/3 of the bytes over scale-out at the hardware's eta 0.75, no overhead.
  const Op plain = collective_op(Collective::kAllToAll, Bytes(24000), 4);
  CHECK(links.time(plain).value() ==
        doctest::Approx((16000 / 50e9) / hw.efficiency.communication + 5e-6).epsilon(1e-9));
}

TEST_CASE("low_latency is never slower than pairwise on library-priced links") {
  // H800-like: NVLink 200 GB/s and InfiniBand 50 GB/s, library all-to-all 36 us / 40 us per call
  // at eta 0.9 / 0.5 (flat). Low-latency keeps the bytes, pays 5 us and runs at eta 0.78.
  Hardware hw = test::hardware();
  LinkClassFigures up;
  up.name = "nvlink";
  up.overhead_all_to_all = Seconds(36e-6);
  up.library_eta = {{1048576}, {0.9}};
  LinkClassFigures out;
  out.name = "infiniband";
  out.overhead_all_to_all = Seconds(40e-6);
  out.library_eta = {{1048576}, {0.5}};
  hw.scale_up = LinkSpec{BytesPerSec(200e9), Seconds(2e-6), 8, up};
  hw.scale_out = LinkSpec{BytesPerSec(50e9), Seconds(5e-6), 1, out};
  const LinkCollectiveModel links(hw, 8, std::make_shared<LinkClassEfficiency>(hw, true));
  DispatchInput in;
  in.experts = 256;
  in.top_k = 8;
  in.ep = 32;
  in.devices = 32;
  in.devices_per_node = 8;
  in.bytes_per_token = 7680;
  const auto pw = mode("pairwise");
  const auto ll = mode("low_latency");
  for (double tokens : {32.0, 128.0, 1024.0, 8192.0, 65536.0}) {
    in.tokens = tokens;
    in.max_pairs = in.mean_pairs = tokens * 8 / 32;
    auto priced = [&](const DispatchModel& d) {
      const DispatchModel::Call c = d.call(in);
      Op op = collective_op(Collective::kAllToAll, c.message, in.devices);
      op.call = c.call;
      return links.time(op).value();
    };
    CAPTURE(tokens);
    CHECK(priced(*ll) < priced(*pw));
    CHECK(ll->call(in).message.value() == doctest::Approx(pw->call(in).message.value()));
  }
}

TEST_CASE("pairwise equals the builder without a mode, and fused hides behind the experts") {
  const ModelArch m = test::small_moe();
  const Hardware hw = test::hardware();
  Parallel par;
  par.dp = 4;
  par.ep = 4;
  par.devices_per_node = 2;
  BatchShape b;
  b.sequences = 64;
  b.tokens = 64;
  b.logit_tokens = 64;
  b.kv_read_tokens = 64 * 100;
  b.decode_pairs = 64 * 100;
  std::shared_ptr<const CostModel> cost = cost_models().create("roofline", {});
  std::shared_ptr<const RoutingModel> routing = routing_models().create("uniform", {});
  auto links = std::make_shared<LinkCollectiveModel>(hw, 2);
  auto calc = [&](std::shared_ptr<const DispatchModel> d) {
    return StepCostCalculator(m, hw, par, cost, routing, links, std::move(d));
  };
  const StepCost none = calc(nullptr).evaluate(b);
  const StepCost pair = calc(mode("pairwise")).evaluate(b);
  CHECK(pair.total.value() == none.total.value());
  // Node-limited on 2 nodes: the dispatch op carries the hand-computed split.
  const ForwardOps fwd = build_forward_ops(m, par, b, routing.get(), mode("node_limited").get());
  const Op* d = nullptr;
  for (const Op& op : fwd.ops) {
    if (std::string(op.name) == op_names::kDispatch) d = &op;
  }
  REQUIRE(d != nullptr);
  // 16 tokens per rank, H x 2 B (bf16), scaled by the uniform routing's busiest-rank imbalance.
  const double per_rank = 16 * m.hidden * 2.0 * fwd.expert_load.max_device_assignments /
                          fwd.expert_load.mean_device_assignments;
  CHECK(fwd.expert_load.mean_device_assignments == doctest::Approx(32));
  CHECK(d->call.scale_out.value() == doctest::Approx(per_rank * (46.0 / 60)));
  CHECK(d->message.value() == doctest::Approx(per_rank * (46.0 / 60 + 0.9)));
  // Fused: dispatch and combine hide behind half of the routed experts' time between them.
  ParamSet f;
  f.set("expert_overlap", 0.5);
  const StepCost fused = calc(mode("ascend_fused", f)).evaluate(b);
  ParamSet nf;
  nf.set("expert_overlap", 0.0);
  const StepCost plain = calc(mode("ascend_fused", nf)).evaluate(b);
  const double experts = plain.time_of(op_names::kRoutedExperts).value();
  const double comm = plain.time_of(op_names::kDispatch).value() +
                      plain.time_of(op_names::kCombine).value();
  CHECK(fused.fused_saving.value() == doctest::Approx(std::min(0.5 * experts, comm)));
  CHECK(plain.total.value() - fused.total.value() ==
        doctest::Approx(fused.fused_saving.value()));
}
