// Operator kinds (models/operator.hpp): one name per kind, every forward-pass operator built with
// a kind, and every classification read from the kind.
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <utility>

#include "models/operator.hpp"
#include "models/step_cost.hpp"
#include "models/step_ops.hpp"
#include "tests/models/step_fixtures.hpp"

using namespace moesim;
using moesim::test::calculator;
using moesim::test::hardware;
using moesim::test::small_dense;
using moesim::test::small_moe;

TEST_CASE("each kind has its own name, and make_op names the op after its kind") {
  std::set<std::string> names;
  for (int k = 0; k < kOpKinds; ++k) {
    const OpKind kind = OpKind(k);
    const std::string name = op_kind_name(kind);
    if (kind == OpKind::kOther) {
      CHECK(name.empty());
      continue;
    }
    CHECK_FALSE(name.empty());
    CHECK(names.insert(name).second);  // unique
    const Op op = make_op(kind);
    CHECK(op.kind == kind);
    CHECK(std::string(op.name) == name);
  }
  CHECK(names.size() == std::size_t(kOpKinds - 1));
  CHECK(std::string(op_kind_name(OpKind::kRoutedExperts)) == op_names::kRoutedExperts);
  CHECK(op_block(OpKind::kTopK) == OpBlock::kMoe);
  CHECK(op_block(OpKind::kKvWrite) == OpBlock::kAttention);
  CHECK(op_block(OpKind::kDenseFfn) == OpBlock::kDenseFfn);
}

TEST_CASE("every operator of a forward pass carries the kind its name says") {
  Parallel tp2;
  tp2.tp = 2;
  Parallel ep2;
  ep2.dp = 2;
  ep2.ep = 2;
  for (const auto& [m, par] : {std::pair{small_moe(), tp2}, std::pair{small_moe(), ep2},
                               std::pair{small_dense(1024), tp2}}) {
    const auto calc = calculator(m, hardware(), par);
    const StepCost s = calc.evaluate(BatchShape::decode(8, 1, 1024));
    REQUIRE_FALSE(s.ops.empty());
    for (const auto& p : s.ops) {
      CAPTURE(p.op.name);
      CHECK(p.op.kind != OpKind::kOther);
      CHECK(p.op.kind != OpKind::kCollective);
      CHECK(std::string(p.op.name) == op_kind_name(p.op.kind));
    }
  }
}

TEST_CASE("classifications read the kind, not the name") {
  // An op renamed (as a report might) keeps its class: the name plays no part.
  Op routed = make_op(OpKind::kRoutedExperts);
  routed.name = "renamed";
  CHECK(op_in_moe_block(routed));
  CHECK_FALSE(op_is_rank_local(routed));
  Op topk = make_op(OpKind::kTopK);
  topk.name = "attn_looks_like_attention";
  CHECK(op_in_moe_block(topk));
  CHECK(op_is_rank_local(topk));
  // A collective of the MoE block (dispatch) is not in the block's compute.
  Op dispatch = collective_op(Collective::kAllToAll, Bytes(1024), 4);
  dispatch.kind = OpKind::kDispatch;
  CHECK_FALSE(op_in_moe_block(dispatch));
  CHECK_FALSE(op_is_rank_local(dispatch));
  // An op named like a forward-pass op but of kind kOther (a measured table's) is no part of it.
  Op other;
  other.name = op_names::kRouter;
  CHECK_FALSE(op_in_moe_block(other));
  CHECK(op_is_rank_local(other));
}

TEST_CASE("time_of by kind sums the kind's ops") {
  const auto calc = calculator(small_moe(), hardware());
  const StepCost s = calc.evaluate(BatchShape::decode(8, 1, 1024));
  CHECK(s.time_of(OpKind::kRoutedExperts).value() > 0);
  CHECK(s.time_of(OpKind::kRoutedExperts).value() == s.time_of(op_names::kRoutedExperts).value());
  CHECK(s.time_of(OpKind::kDenseFfn).value() == 0);
}
