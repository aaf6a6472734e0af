// The terminal summary of a run: a readable table of the headline metrics.
#pragma once

#include <optional>
#include <ostream>
#include <string>

#include "analysis/summary.hpp"
#include "scenarios/scenario.hpp"

namespace moesim {

void print_run_report(std::ostream& os, const Scenario& s, const RunFacts& facts,
                      const SimulationTotals& totals, const MetricsCollector& m,
                      const std::optional<BaselineFacts>& baseline, const std::string& out_dir);

}  // namespace moesim
