// Registry tests: the full lists of built-in names (a plug-in cannot silently fall out of the
// build), unknown names, and parameter validation through the declarations.
#include <doctest/doctest.h>

#include "models/errors.hpp"
#include "workloads/request_source.hpp"

using namespace moesim;

TEST_CASE("request sources: every built-in is registered, sorted by name") {
  const std::vector<std::string> expected{"azure",    "closed_loop", "gamma",
                                          "mooncake", "poisson",     "protobuf"};
  CHECK(request_sources().names() == expected);
}

TEST_CASE("length distributions: every built-in is registered, sorted by name") {
  const std::vector<std::string> expected{"file", "fixed", "lognormal", "uniform"};
  CHECK(length_distributions().names() == expected);
}

TEST_CASE("an unknown source name lists the valid ones") {
  CHECK_THROWS_WITH_AS(
      (void)request_sources().create("poison", {}, SourceContext{}),
      "unknown request source 'poison'; valid: azure, closed_loop, gamma, mooncake, poisson, "
      "protobuf",
      ConfigError);
}

TEST_CASE("every trace reader declares the same options") {
  for (const char* name : {"azure", "mooncake", "protobuf"}) {
    std::vector<std::string> params;
    for (const auto& p : request_sources().at(name).params) params.push_back(p.name);
    CHECK(params ==
          std::vector<std::string>{"path", "time_scale", "start", "end", "limit", "skip_bad_rows"});
  }
}

TEST_CASE("source parameters are checked against their declarations") {
  const auto lengths = length_distributions().create("fixed", {});
  SourceContext ctx;
  ctx.lengths = lengths.get();
  // rate is required and has no default.
  CHECK_THROWS_WITH_AS((void)request_sources().create("poisson", {}, ctx),
                       "request source 'poisson': rate: required parameter is missing (mean "
                       "arrival rate ('10/s'));",
                       ConfigError);
  ParamSet p;
  p.set("rate", 10.0);
  p.set("cv", 0.0);
  CHECK_THROWS_WITH_AS((void)request_sources().create("gamma", p, ctx),
                       "request source 'gamma': cv: value out of range [0.01, 100];", ConfigError);
}

TEST_CASE("a generator without a length distribution is a configuration error") {
  ParamSet p;
  p.set("rate", 10.0);
  CHECK_THROWS_WITH_AS((void)request_sources().create("poisson", p, SourceContext{}),
                       "poisson: a generated workload needs a length distribution", ConfigError);
}

TEST_CASE("a trace window whose end is not after its start is rejected") {
  ParamSet p;
  p.set("path", std::string("unused.csv"));
  p.set("start", 10.0);
  p.set("end", 5.0);
  CHECK_THROWS_WITH_AS((void)request_sources().create("azure", p, SourceContext{}),
                       "azure: end (5 s) must be after start (10 s)", ConfigError);
}

TEST_CASE("uniform lengths reject an empty range") {
  ParamSet p;
  p.set("prompt_min", std::int64_t{10});
  p.set("prompt_max", std::int64_t{5});
  p.set("output_min", std::int64_t{1});
  p.set("output_max", std::int64_t{1});
  CHECK_THROWS_WITH_AS((void)length_distributions().create("uniform", p),
                       "uniform lengths: prompt_min (10) is greater than prompt_max (5)",
                       ConfigError);
}
