// Registry tests: the full list of every models/ plug-in family (a plug-in cannot silently fall
// out of the build), unknown names, parameter validation through the declarations, and the
// per-component random streams.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "models/acceptance_model.hpp"
#include "models/cost_model.hpp"
#include "models/errors.hpp"
#include "models/params.hpp"
#include "models/rng.hpp"
#include "models/comm_efficiency.hpp"
#include "models/routing_model.hpp"
#include "models/speculation_model.hpp"

using namespace moesim;

using Names = std::vector<std::string>;

TEST_CASE("cost models: every built-in is registered") {
  CHECK(cost_models().names() == Names{"kernel", "profiled", "roofline"});
}

TEST_CASE("routing models: every built-in is registered, sorted by name") {
  CHECK(routing_models().names() == Names{"correlated", "grouped", "measured", "skewed", "uniform"});
}

TEST_CASE("acceptance models: every built-in is registered, sorted by name") {
  CHECK(acceptance_models().names() == Names{"empirical", "iid", "per_position"});
}

TEST_CASE("speculation methods: every built-in is registered, sorted by name") {
  CHECK(speculation_methods().names() == Names{"draft_model", "eagle", "mtp", "ngram"});
}

TEST_CASE("communication efficiencies: every built-in is registered, sorted by name") {
  CHECK(communication_efficiencies().names() == Names{"constant", "curve", "link_class", "measured"});
}

TEST_CASE("an unknown name throws ConfigError listing the valid names") {
  CHECK_THROWS_WITH_AS((void)cost_models().create("vidur", {}),
                       "unknown cost model 'vidur'; valid: kernel, profiled, roofline", ConfigError);
  CHECK_THROWS_WITH_AS((void)routing_models().create("unifrom", {}),
                       "unknown routing model 'unifrom'; valid: correlated, grouped, measured, "
                       "skewed, uniform",
                       ConfigError);
  CHECK_THROWS_WITH_AS((void)acceptance_models().create("fixed", {}),
                       "unknown acceptance model 'fixed'; valid: empirical, iid, per_position",
                       ConfigError);
  CHECK_THROWS_WITH_AS((void)speculation_methods().create("medusa", {}),
                       "unknown speculative method 'medusa'; valid: draft_model, eagle, mtp, "
                       "ngram",
                       ConfigError);
  CHECK_THROWS_AS((void)routing_models().at("zipf"), ConfigError);
  CHECK(routing_models().find("zipf") == nullptr);
}

TEST_CASE("registering a name twice is an error") {
  RoutingRegistry r("routing model");
  r.add({"x", "", {}, [](const ParamSet&) -> std::unique_ptr<RoutingModel> { return nullptr; }});
  CHECK_THROWS_WITH_AS(
      r.add({"x", "", {}, [](const ParamSet&) -> std::unique_ptr<RoutingModel> { return nullptr; }}),
      "routing model 'x' registered twice", ConfigError);
}

namespace {

std::vector<ParamSpec> specs() {
  return {number_param("alpha", 0.8, 0.0, 1.0, "acceptance rate"),
          integer_param("gamma", 3, 0, 16, "draft length"),
          string_param("mode", "fast", {"fast", "exact"}, "how"),
          quantity_param("delay", Dimension::kTime, 10e-6, 0.0, "host delay"),
          required_number_param("rate", 0.0, 1e9, "arrivals per second")};
}

}  // namespace

TEST_CASE("complete_params fills defaults of every declared parameter") {
  ParamSet p;
  p.set("rate", 5.0);
  CHECK(complete_params(specs(), p).empty());
  CHECK(p.number("alpha") == 0.8);
  CHECK(p.integer("gamma") == 3);
  CHECK(p.text("mode") == "fast");
  CHECK(p.number("delay") == 10e-6);
  CHECK(p.number("rate") == 5.0);
  // Given values are kept; an integer given to a number parameter becomes a number.
  ParamSet q;
  q.set("rate", std::int64_t{7});
  q.set("alpha", 0.5);
  CHECK(complete_params(specs(), q).empty());
  CHECK(q.number("alpha") == 0.5);
  CHECK(q.number("rate") == 7.0);
}

TEST_CASE("complete_params rejects out-of-range, unknown, missing and mistyped parameters") {
  ParamSet p;
  p.set("alpha", 1.5);                  // above max 1
  p.set("gamma", std::int64_t{17});     // above max 16
  p.set("mode", std::string("slow"));   // not a choice
  p.set("alfa", 0.5);                   // unknown
  // "rate" missing (required).
  const auto problems = complete_params(specs(), p);
  REQUIRE(problems.size() == 5);
  // Unknown names first (in name order), then the declared parameters in declaration order.
  CHECK(problems[0].param == "alfa");
  CHECK(problems[0].message == "unknown parameter");
  CHECK(problems[1].param == "alpha");
  CHECK(problems[1].message == "value out of range [0, 1]");
  CHECK(problems[2].param == "gamma");
  CHECK(problems[2].message == "value out of range [0, 16]");
  CHECK(problems[3].param == "mode");
  CHECK(problems[3].message == "'slow' is not one of fast|exact");
  CHECK(problems[4].param == "rate");
  CHECK(problems[4].message == "required parameter is missing (arrivals per second)");

  ParamSet typed;
  typed.set("rate", 1.0);
  typed.set("gamma", 2.5);  // a number where an integer is declared
  const auto t = complete_params(specs(), typed);
  REQUIRE(t.size() == 1);
  CHECK(t[0].message == "expected an integer");
}

TEST_CASE("registry create validates parameters with the exact message") {
  ParamSet p;
  p.set("alpha", 1.5);
  CHECK_THROWS_WITH_AS((void)acceptance_models().create("iid", p),
                       "acceptance model 'iid': alpha: value out of range [0, 1];", ConfigError);
  ParamSet q;
  q.set("alfa", 0.5);
  CHECK_THROWS_WITH_AS((void)acceptance_models().create("iid", q),
                       "acceptance model 'iid': alfa: unknown parameter;", ConfigError);
  ParamSet r;
  r.set("exponent", 6.0);
  CHECK_THROWS_WITH_AS((void)routing_models().create("skewed", r),
                       "routing model 'skewed': exponent: value out of range [0, 5];",
                       ConfigError);
  // A required list that is missing.
  CHECK_THROWS_WITH_AS((void)routing_models().create("measured", {}),
                       "routing model 'measured': frequencies: required parameter is missing "
                       "(relative selection frequency of each routed expert);",
                       ConfigError);
}

TEST_CASE("param_from_text parses quantities with mandatory units") {
  const ParamSpec delay = quantity_param("delay", Dimension::kTime, 10e-6, 0.0, "host delay");
  std::string error;
  const ParamValue v = param_from_text(delay, "10us", error);
  CHECK(error.empty());
  CHECK(std::get<double>(v) == doctest::Approx(1e-5).scale(0));
  (void)param_from_text(delay, "10", error);
  CHECK(error.find("missing unit") != std::string::npos);
  const ParamSpec list = list_param("rates", "rates", 0.0, 1.0);
  const ParamValue l = param_from_text(list, "0.9,0.8,0.7", error);
  CHECK(error.empty());
  CHECK(std::get<std::vector<double>>(l) == std::vector<double>{0.9, 0.8, 0.7});
}

TEST_CASE("RandomStream: same (seed, name) gives the same sequence - names are independent") {
  RandomStream a(1234, "routing"), b(1234, "routing"), c(1234, "arrivals"), d(1235, "routing");
  bool differs_by_name = false, differs_by_seed = false;
  for (int i = 0; i < 100; ++i) {
    const std::uint64_t x = a.next_u64();
    CHECK(x == b.next_u64());
    differs_by_name = differs_by_name || x != c.next_u64();
    differs_by_seed = differs_by_seed || x != d.next_u64();
  }
  CHECK(differs_by_name);
  CHECK(differs_by_seed);
  CHECK(derive_seed(1234, "routing") == derive_seed(1234, "routing"));
  CHECK(derive_seed(1234, "routing") != derive_seed(1234, "arrivals"));
  // uniform() lies in [0, 1); its mean over 1e4 draws is near 1/2 (sd 0.0029).
  RandomStream u(9, "uniform");
  double sum = 0;
  for (int i = 0; i < 10000; ++i) {
    const double x = u.uniform();
    CHECK(x >= 0.0);
    CHECK(x < 1.0);
    sum += x;
  }
  CHECK(sum / 10000 == doctest::Approx(0.5).epsilon(0.03));
}

TEST_CASE("acceptance model empirical: probabilities that sum to zero are rejected") {
  ParamSet p;
  p.set("probabilities", std::vector<double>{0.0, 0.0});
  CHECK_THROWS_WITH_AS((void)acceptance_models().create("empirical", p),
                       "acceptance model 'empirical': probabilities sum to zero", ConfigError);
}
