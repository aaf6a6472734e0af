// moesim capacity's pure parts: the search against analytic pass/fail functions (no simulation),
// the objectives' parser, and the attainment of a hand-made requests table.
#include <doctest/doctest.h>

#include <cmath>

#include "analysis/capacity_report.hpp"
#include "analysis/capacity_search.hpp"
#include "analysis/capacity_slo.hpp"

using namespace moesim;

namespace {

// Attainment 1 up to `edge`, 0.5 above: a step at the capacity.
std::function<double(double)> step_at(double edge) {
  return [edge](double load) { return load <= edge ? 1.0 : 0.5; };
}

std::vector<double> loads(const CapacitySearchResult& r) {
  std::vector<double> out;
  for (const auto& p : r.probes) out.push_back(p.load);
  return out;
}

}  // namespace

TEST_CASE("capacity search: pass iff load <= 7.3 from 1, doubling then bisection") {
  CapacitySearchOptions o;
  o.start = 1;
  o.tolerance = 0.02;
  const CapacitySearchResult r = search_capacity(o, step_at(7.3));
  // Doubling: 1, 2, 4 pass, 8 fails. Bisection of [4, 8] until width <= 0.02 x top: widths 4,
  // 2, 1, 0.5, 0.25, 0.125; 0.125 <= 0.02 x 7.375 = 0.1475 after five midpoints.
  CHECK(loads(r) == std::vector<double>{1, 2, 4, 8, 6, 7, 7.5, 7.25, 7.375});
  CHECK(r.status == CapacityStatus::kBracketed);
  REQUIRE(r.capacity);
  CHECK(*r.capacity == 7.25);
  CHECK(*r.lowest_fail == 7.375);
  CHECK(std::abs(*r.capacity - 7.3) <= 0.02 * 7.3);
  CHECK(r.non_monotone.empty());
  CHECK(r.capacity_probe() == std::size_t(7));
}

TEST_CASE("capacity search: a given bracket, and --high that passes") {
  CapacitySearchOptions o;
  o.low = 2;
  o.high = 10;
  o.tolerance = 0.1;
  const CapacitySearchResult r = search_capacity(o, step_at(7.3));
  // [2, 10] -> 6 P, 8 F, 7 P, 7.5 F: width 0.5 <= 0.1 x 7.5.
  CHECK(loads(r) == std::vector<double>{2, 10, 6, 8, 7, 7.5});
  CHECK(*r.capacity == 7);
  o.high = 5;
  const CapacitySearchResult h = search_capacity(o, step_at(7.3));
  CHECK(h.status == CapacityStatus::kHighPasses);
  CHECK(*h.capacity == 5);
  CHECK(loads(h) == std::vector<double>{2, 5});
  // --high below the scenario's load without --low: the search starts at half of it.
  CapacitySearchOptions b;
  b.start = 20;
  b.high = 10;
  b.tolerance = 0.1;
  const CapacitySearchResult below = search_capacity(b, step_at(7.3));
  // 5 P, 10 F, 7.5 F, 6.25 P, 6.875 P: width 0.625 <= 0.1 x 7.5.
  CHECK(loads(below) == std::vector<double>{5, 10, 7.5, 6.25, 6.875});
  CHECK(*below.capacity == 6.875);
}

TEST_CASE("capacity search: the lowest load fails") {
  CapacitySearchOptions o;
  o.low = 8;
  const CapacitySearchResult r = search_capacity(o, step_at(7.3));
  CHECK(r.status == CapacityStatus::kLowestFails);
  CHECK(!r.capacity);
  CHECK(loads(r) == std::vector<double>{8});
  // Without --low the scenario's load is halved until one passes: 20 F, 10 F, 5 P; the bracket
  // [5, 10] is within 0.5 x 10.
  CapacitySearchOptions d;
  d.start = 20;
  d.tolerance = 0.5;
  const CapacitySearchResult h = search_capacity(d, step_at(7.3));
  CHECK(loads(h) == std::vector<double>{20, 10, 5});
  CHECK(h.status == CapacityStatus::kBracketed);
  CHECK(*h.capacity == 5);
  CHECK(*h.lowest_fail == 10);
  // Nothing passes: halving ends at max_runs.
  d.max_runs = 4;
  const CapacitySearchResult none = search_capacity(d, step_at(-1));
  CHECK(none.status == CapacityStatus::kLowestFails);
  CHECK(none.probes.size() == 4);
}

TEST_CASE("capacity search: integer concurrency finds the exact edge") {
  CapacitySearchOptions o;
  o.start = 1;
  o.integer = true;
  o.tolerance = 0.001;
  const CapacitySearchResult r = search_capacity(o, step_at(37));
  // 1 2 4 8 16 32 pass, 64 fails; [32, 64] -> 48 F, 40 F, 36 P, 38 F, 37 P: adjacent.
  CHECK(loads(r) == std::vector<double>{1, 2, 4, 8, 16, 32, 64, 48, 40, 36, 38, 37});
  CHECK(*r.capacity == 37);
  CHECK(*r.lowest_fail == 38);
  // Concurrency 1 failing cannot be halved.
  const CapacitySearchResult low = search_capacity(o, step_at(0.5));
  CHECK(low.status == CapacityStatus::kLowestFails);
  CHECK(low.probes.size() == 1);
}

TEST_CASE("capacity search: max_runs bounds doubling and bisection") {
  CapacitySearchOptions o;
  o.start = 1;
  o.max_runs = 3;
  const CapacitySearchResult up = search_capacity(o, step_at(1e9));
  CHECK(up.status == CapacityStatus::kNoFailure);
  CHECK(*up.capacity == 4);
  CHECK(up.probes.size() == 3);
  o.max_runs = 5;
  const CapacitySearchResult mid = search_capacity(o, step_at(7.3));
  CHECK(mid.status == CapacityStatus::kMaxRuns);
  CHECK(*mid.capacity == 6);
  CHECK(*mid.lowest_fail == 8);
}

TEST_CASE("capacity search: attainment rising with load is reported") {
  const auto bumpy = [](double load) {
    if (load <= 4) return 1.0;
    if (load == 6) return 0.95;  // fails; 7 does better
    if (load <= 7) return 0.995;
    return 0.5;
  };
  CapacitySearchOptions o;
  o.start = 1;
  o.tolerance = 0.2;
  const CapacitySearchResult r = search_capacity(o, bumpy);
  // 1 2 4 P, 8 F, 6 F, 5 P (0.995): width 1 <= 0.2 x 6.
  CHECK(loads(r) == std::vector<double>{1, 2, 4, 8, 6, 5});
  CHECK(r.non_monotone.empty());
  const auto pairs = non_monotone_pairs(
      {{6, 0.95, false}, {1, 1, true}, {7, 0.995, true}, {8, 0.5, false}});
  REQUIRE(pairs.size() == 1);
  CHECK(pairs[0].lower_load == 6);
  CHECK(pairs[0].higher_load == 7);
}

TEST_CASE("capacity objectives: the sweep expression language, units and errors") {
  RequestOutcome r;
  r.completed = true;
  r.ttft_s = 1.5;
  r.tpot_s = 0.05;
  r.e2e_s = 60;
  const SloTarget t = parse_slo("ttft<=2s");
  CHECK(t.metrics == std::vector<std::string>{"ttft"});
  CHECK(meets_all(r, {t}));
  CHECK_FALSE(meets_all(r, {parse_slo("ttft<1500ms")}));  // < is strict
  CHECK(meets_all(r, {parse_slo("ttft<=1500ms")}));
  const SloTarget p = parse_slo(" tpot < 50ms ");
  CHECK(p.text == "tpot < 50ms");
  CHECK_FALSE(meets_all(r, {p}));
  CHECK(meets_all(r, {parse_slo("e2e<=1min")}));
  CHECK_FALSE(meets_all(r, {parse_slo("e2e<=0.5min")}));
  // && and || of the shared language: 1.5 s > 1 s, but e2e holds.
  const SloTarget both = parse_slo("ttft<=1s && e2e<=2min");
  CHECK(both.metrics == std::vector<std::string>{"ttft", "e2e"});
  CHECK_FALSE(meets_all(r, {both}));
  CHECK(meets_all(r, {parse_slo("ttft<=1s || e2e<=2min")}));
  CHECK_THROWS_WITH_AS(parse_slo("ttfb<=2s"),
                       "'ttfb<=2s': unknown metric 'ttfb'; expected one of ttft, tpot, e2e",
                       SloError);
  CHECK_THROWS_AS(parse_slo("ttft<=2"), SloError);    // no unit
  CHECK_THROWS_AS(parse_slo("ttft<=2GB"), SloError);  // not a time
  CHECK_THROWS_AS(parse_slo("ttft>=2s"), SloError);   // not an upper bound
  CHECK_THROWS_AS(parse_slo("ttft<=0s"), SloError);
  CHECK_THROWS_AS(parse_slo("ttft"), SloError);       // not a comparison
  CHECK_THROWS_WITH_AS(parse_slo("ttft<=(2s"), "'ttft<=(2s': expected ')' at column 10",
                       SloError);  // syntax, with its column
}

TEST_CASE("capacity attainment: a hand-made requests table") {
  const std::string csv =
      "id,instance,arrival_s,first_token_s,finish_s,prompt_tokens,output_tokens,generated_tokens,"
      "ttft_s,tpot_s,e2e_s,spec_rounds,accepted_tokens,preemptions,status\n"
      "0,0,0,0.1,1.1,10,11,11,0.1,0.1,1.1,0,0,0,completed\n"
      "1,0,0,0.5,1.5,10,11,11,0.5,0.1,1.5,0,0,0,completed\n"
      "2,0,0,0.2,0.2,10,1,1,0.2,,0.2,0,0,0,completed\n"
      "3,0,0,0.1,3.1,10,11,11,0.1,0.3,3.1,0,0,0,completed\n"
      "4,,0,,,10,11,0,,,,0,0,0,\"rejected: prompt, too long\"\n";
  const auto rows = parse_requests_csv(csv);
  REQUIRE(rows.size() == 5);
  CHECK(!rows[4].completed);
  const std::vector<SloTarget> both{parse_slo("ttft<=200ms"), parse_slo("tpot<=100ms")};
  // 0 meets both; 1 misses ttft; 2 has no tpot (one token) and meets ttft; 3 misses tpot;
  // 4 is rejected: 2 of 5.
  CHECK(attainment(rows, both) == doctest::Approx(0.4));
  CHECK(attainment(rows, {parse_slo("e2e<2s")}) == doctest::Approx(0.6));
  const DistributionSummary ttft = metric_summary(rows, "ttft");
  CHECK(ttft.count == 4);
  CHECK(ttft.p50 == 0.1);  // sorted 0.1 0.1 0.2 0.5: rank ceil(2) = 2
  CHECK(ttft.p90 == 0.5);
  CHECK(metric_summary(rows, "tpot").count == 3);
  CHECK(attainment({}, both) == 0);
  CHECK_THROWS_AS(parse_requests_csv("id,status\n"), SloError);
}

TEST_CASE("capacity report: json and table of a bracketed search") {
  CapacitySearchOptions o;
  o.low = 2;
  o.high = 10;
  o.tolerance = 0.3;
  CapacityReport r;
  r.scenario = "toy";
  r.over = "rate";
  r.slos = {parse_slo("ttft<=1s")};
  r.metrics = slo_metrics(r.slos);
  r.search = search_capacity(o, step_at(7.3));  // 2 P, 10 F, 6 P, 8 F: 2 <= 0.3 x 8
  for (std::size_t i = 0; i < r.search.probes.size(); ++i)
    r.probe_metrics.push_back({summarize({0.5, 1.5})});
  r.at_capacity = CapacityRun{4, 5.5, 1200};
  CHECK(r.capacity_rps() == 6);
  CHECK(r.capacity_per_device() == 1.5);
  const std::string table = capacity_table(r);
  CHECK(table.find("| 3 | 6 | 100.00% | 500.0 ms | 1.500 s | yes |") != std::string::npos);
  const std::string json = capacity_json(r);
  CHECK(json.find("\"capacity_rps\": 6") != std::string::npos);
  CHECK(json.find("\"status\": \"bracketed\"") != std::string::npos);
  CHECK(capacity_answer(r).find("Capacity: 6 req/s (1.5 req/s per device over 4 device(s), "
                                "1200 output tokens/s)") == 0);
}
