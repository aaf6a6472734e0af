// Names and blocks of the operator kinds (models/operator.hpp): one table, so a kind cannot have
// two names or lose its block.
#include "models/operator.hpp"

#include <array>

namespace moesim {
namespace {

struct KindInfo {
  const char* name;
  OpBlock block;
};

constexpr std::array<KindInfo, kOpKinds> kKinds = {{
    {"", OpBlock::kNone},            // kOther
    {"collective", OpBlock::kNone},  // kCollective
    {op_names::kQkvProj, OpBlock::kAttention},
    {op_names::kQProj, OpBlock::kAttention},
    {op_names::kKvProj, OpBlock::kAttention},
    {op_names::kAttnCore, OpBlock::kAttention},
    {op_names::kOutProj, OpBlock::kAttention},
    {op_names::kKvWrite, OpBlock::kAttention},
    {op_names::kTpAttn, OpBlock::kAttention},
    {op_names::kDenseFfn, OpBlock::kDenseFfn},
    {op_names::kTpFfn, OpBlock::kDenseFfn},
    {op_names::kRouter, OpBlock::kMoe},
    {op_names::kTopK, OpBlock::kMoe},
    {op_names::kPermute, OpBlock::kMoe},
    {op_names::kUnpermute, OpBlock::kMoe},
    {op_names::kSharedExperts, OpBlock::kMoe},
    {op_names::kRoutedExperts, OpBlock::kMoe},
    {op_names::kDispatch, OpBlock::kMoe},
    {op_names::kCombine, OpBlock::kMoe},
    {op_names::kTpMoe, OpBlock::kMoe},
    {op_names::kNorms, OpBlock::kStep},
    {op_names::kEmbedding, OpBlock::kStep},
    {op_names::kLmHead, OpBlock::kStep},
    {op_names::kSampling, OpBlock::kStep},
    {op_names::kDraft, OpBlock::kSpeculation},
    {op_names::kRejection, OpBlock::kSpeculation},
    {op_names::kElementwiseCopy, OpBlock::kNone},
}};

}  // namespace

const char* op_kind_name(OpKind k) { return kKinds[std::size_t(k)].name; }
OpBlock op_block(OpKind k) { return kKinds[std::size_t(k)].block; }

}  // namespace moesim
