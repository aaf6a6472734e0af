// `mindie`: Huawei MindIE Service on Ascend. A MindStudio performance case (MindStudio 8.3
// docs, "Performance Deterioration Due to Time-consuming Scheduling of the Framework",
// https://www.hiascend.com/document/detail/en/mindstudio/830/practicalcases/GeneralPerformanceIssue/toolsample6_111.html)
// measures a decode step at 300 concurrent requests as 36 ms in the model alone and 66 ms in the
// serving framework (MindIE 2.0.T3): 30 ms of host pre- and post-processing per step, 0.1 ms per
// sequence when all of it is charged to the sequences. MindIE runs data preparation, model
// inference and data return synchronously unless asynchronous scheduling is turned on
// (MINDIE_ASYNC_SCHEDULING_ENABLE=1; MindIE LLM docs, "Asynchronous Scheduling",
// https://www.hiascend.com/document/detail/en/mindie/230/LLMframe/llmdev/mindie_llm0512.html),
// so overlap = 0 by default; set it to 1 for that mode.
#include "sim/engine_overhead.hpp"

namespace moesim {

void register_mindie_engine(EngineOverheadRegistry& r) {
  LinearHostCosts d;
  d.per_step = 0;           // the case does not separate a fixed part: all of it per sequence
  d.per_sequence = 100e-6;  // (66 ms - 36 ms) / 300 sequences, MindStudio case above
  d.overlap = 0;            // synchronous by default (MindIE LLM docs above)
  r.add({"mindie", "MindIE Service host time per step (synchronous by default)",
         linear_engine_params(d),
         [](const ParamSet& p) { return std::make_unique<LinearEngineOverhead>(linear_costs(p)); }});
}

}  // namespace moesim
