// Built-in speculation methods.
//  draft_model: gamma forward steps of a separate draft model (q = 1 each).
//  mtp / eagle: gamma passes of a head costing layer_fraction of a mean target layer plus the
//               LM head (DeepSeek-V3's MTP module is one full layer; an EAGLE head one decoder
//               layer).
//  ngram:       prompt lookup on the host, a fixed time per round (no accelerator work).
#include <cstring>

#include "models/errors.hpp"
#include "models/speculation_model.hpp"

namespace moesim {
namespace {

class DraftModelSpeculation final : public SpeculationModel {
 public:
  Seconds draft_time(const DraftInputs& in) const override {
    if (!in.draft) throw ConfigError("speculative method 'draft_model' needs a draft model");
    return in.draft->time(in.decode) * double(in.gamma);
  }
  bool needs_draft_model() const override { return true; }
};

class HeadSpeculation final : public SpeculationModel {
 public:
  explicit HeadSpeculation(double fraction) : fraction_(fraction) {}
  Seconds draft_time(const DraftInputs& in) const override {
    const StepCost step = in.target.evaluate(in.decode);
    Seconds head = step.per_layer_mean(in.target.model().layers) * fraction_;
    head += step.time_of(OpKind::kLmHead) + step.time_of(OpKind::kSampling);
    return head * double(in.gamma);
  }

 private:
  double fraction_;
};

class NgramSpeculation final : public SpeculationModel {
 public:
  explicit NgramSpeculation(double per_round) : per_round_(per_round) {}
  Seconds draft_time(const DraftInputs& in) const override {
    return in.gamma > 0 ? Seconds(per_round_) : Seconds(0);
  }

 private:
  double per_round_;
};

}  // namespace

const SpeculationRegistry& speculation_methods() {
  static const SpeculationRegistry registry = [] {
    SpeculationRegistry r("speculative method");
    r.add({"draft_model", "a separate draft model (speculative.draft) runs gamma decode steps",
           {},
           [](const ParamSet&) { return std::make_unique<DraftModelSpeculation>(); }});
    r.add({"mtp", "multi-token-prediction module: gamma passes of one target layer + LM head",
           {number_param("layer_fraction", 1.0, 0.0, 8.0,
                         "cost of one head pass in mean target layers")},
           [](const ParamSet& p) {
             return std::make_unique<HeadSpeculation>(p.number("layer_fraction"));
           }});
    r.add({"eagle", "EAGLE-style head: gamma passes of one decoder layer + LM head",
           {number_param("layer_fraction", 1.0, 0.0, 8.0,
                         "cost of one head pass in mean target layers")},
           [](const ParamSet& p) {
             return std::make_unique<HeadSpeculation>(p.number("layer_fraction"));
           }});
    r.add({"ngram", "prompt lookup / n-gram drafting on the host",
           {quantity_param("time_per_round", Dimension::kTime, 10e-6, 0.0,
                           "host time per drafting round (guess: ~10 us lookup)")},
           [](const ParamSet& p) {
             return std::make_unique<NgramSpeculation>(p.number("time_per_round"));
           }});
    return r;
  }();
  return registry;
}

}  // namespace moesim
