// The published-versus-predicted table of `moesim validation`: relative error, the tolerance test
// and the rendered Markdown / CSV.
#include <doctest/doctest.h>

#include "analysis/validation_table.hpp"

using namespace moesim;

TEST_CASE("relative error and the tolerance, with analytic values") {
  // (115 - 100) / 100 = +0.15: exactly at a 15% tolerance counts; 116 does not.
  ValidationRow r{"a", "src", "ms", 100, 115.0, ""};
  CHECK(*relative_error(r) == doctest::Approx(0.15));
  CHECK(within(r, 0.15));
  r.predicted = 116.0;
  CHECK_FALSE(within(r, 0.15));
  // Below: (80 - 100) / 100 = -0.20.
  r.predicted = 80.0;
  CHECK(*relative_error(r) == doctest::Approx(-0.20));
  CHECK_FALSE(within(r, 0.15));
  CHECK(within(r, 0.25));
  // No prediction (the run failed): no error, a miss.
  r.predicted.reset();
  CHECK_FALSE(relative_error(r).has_value());
  CHECK_FALSE(within(r, 1.0));
}

TEST_CASE("markdown and CSV tables: one row per figure, misses included, the count") {
  const std::vector<ValidationRow> rows{
      {"hit", "Paper A, Table 1", "tok/s", 1000, 1100.0, ""},
      {"miss", "Paper B | Fig. 2", "ms", 50, 25.0, "why, \"quoted\""},
      {"failed", "Paper C", "x", 2, std::nullopt, "exit status 2"}};
  CHECK(validation_markdown(rows, 0.15) ==
        "| figure | source | published | predicted | error % | within 15% |\n"
        "|---|---|---:|---:|---:|:---:|\n"
        "| hit | Paper A, Table 1 | 1000 tok/s | 1100 | +10.0 | yes |\n"
        "| miss | Paper B \\| Fig. 2 | 50 ms | 25 | -50.0 | no |\n"
        "| failed | Paper C | 2 x | - | - | no |\n"
        "\n1 of 3 figures within 15%\n");
  CHECK(validation_csv(rows, 0.15) ==
        "id,source,unit,published,predicted,error_percent,within,note\n"
        "hit,\"Paper A, Table 1\",tok/s,1000,1100,10.0000,yes,\n"
        "miss,Paper B | Fig. 2,ms,50,25,-50.0000,no,\"why, \"\"quoted\"\"\"\n"
        "failed,Paper C,x,2,,,no,exit status 2\n");
}
