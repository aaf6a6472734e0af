// Length distributions: analytic checks of each, and the file reader's data and error paths.
#include <doctest/doctest.h>

#include <algorithm>

#include "models/errors.hpp"
#include "workloads_test_util.hpp"

using namespace moesim;
using moesim::test::ScratchDir;

namespace {

std::vector<std::pair<std::int64_t, std::int64_t>> draw(const std::string& name, ParamSet p,
                                                        int n) {
  const auto d = length_distributions().create(name, std::move(p));
  RandomStream rng(11, "test.lengths");
  std::vector<std::pair<std::int64_t, std::int64_t>> out;
  for (int i = 0; i < n; ++i) out.push_back(d->sample(rng));
  return out;
}

ParamSet file_params(const std::string& path) {
  ParamSet p;
  p.set("path", path);
  return p;
}

}  // namespace

TEST_CASE("fixed: the declared defaults, 1024 prompt and 128 output tokens") {
  for (const auto& [p, o] : draw("fixed", {}, 3)) {
    CHECK(p == 1024);
    CHECK(o == 128);
  }
}

TEST_CASE("uniform: every value of the inclusive range, with mean (lo + hi) / 2") {
  ParamSet p;
  p.set("prompt_min", std::int64_t{1});
  p.set("prompt_max", std::int64_t{4});
  p.set("output_min", std::int64_t{100});
  p.set("output_max", std::int64_t{300});
  const auto xs = draw("uniform", p, 20000);
  std::vector<int> hits(5, 0);
  double output_sum = 0;
  for (const auto& [pr, o] : xs) {
    REQUIRE((pr >= 1 && pr <= 4));
    REQUIRE((o >= 100 && o <= 300));
    ++hits[std::size_t(pr)];
    output_sum += double(o);
  }
  for (int v = 1; v <= 4; ++v) CHECK(hits[std::size_t(v)] == doctest::Approx(5000).epsilon(0.05));
  CHECK(output_sum / 20000.0 == doctest::Approx(200.0).epsilon(0.01));
}

TEST_CASE("lognormal: the sample median is the median - max_tokens caps every draw") {
  ParamSet p;
  p.set("prompt_median", 2000.0);
  p.set("prompt_sigma", 1.0);
  p.set("output_median", 30000.0);
  p.set("output_sigma", 1.0);
  const auto xs = draw("lognormal", p, 20001);
  std::vector<std::int64_t> prompts;
  int capped = 0;
  for (const auto& [pr, o] : xs) {
    prompts.push_back(pr);
    REQUIRE(o <= 32768);
    capped += o == 32768;
  }
  std::nth_element(prompts.begin(), prompts.begin() + 10000, prompts.end());
  CHECK(double(prompts[10000]) == doctest::Approx(2000.0).epsilon(0.03));
  // P(30000 e^z > 32768) = P(z > ln(32768/30000) = 0.0882) = 0.465.
  CHECK(capped / 20001.0 == doctest::Approx(0.465).epsilon(0.03));
}

TEST_CASE("file: samples whole rows, uniformly") {
  ScratchDir dir;
  const std::string path = dir.write("l.csv",
                                     "a,num_prefill_tokens,num_decode_tokens\r\n"
                                     "x,10,1\r\n\r\nx,20,0\r\n");
  int tens = 0;
  for (const auto& [pr, o] : draw("file", file_params(path), 10000)) {
    REQUIRE(((pr == 10 && o == 1) || (pr == 20 && o == 1)));  // output 0 is raised to 1
    tens += pr == 10;
  }
  CHECK(tens / 10000.0 == doctest::Approx(0.5).epsilon(0.04));
}

TEST_CASE("file: other column names") {
  ScratchDir dir;
  const std::string path = dir.write("l.csv", "in,out\n7,3\n");
  ParamSet p = file_params(path);
  p.set("prompt_column", std::string("in"));
  p.set("output_column", std::string("out"));
  const auto xs = draw("file", p, 2);
  CHECK(xs[0] == std::pair<std::int64_t, std::int64_t>{7, 3});
}

TEST_CASE("file: ShareGPT lengths reproduce the file's means") {
  const std::string path = test::repo_data("lengths/sharegpt_8k_llama2_tokenizer.csv");
  // The 30,731 rows average 2340.0 prompt and 438.7 output tokens (sd 2089 and 266): over 20000
  // draws the sample means have standard errors of 0.6% and 0.4%.
  double p = 0, o = 0;
  for (const auto& [pr, ou] : draw("file", file_params(path), 20000)) {
    p += double(pr);
    o += double(ou);
  }
  CHECK(p / 20000 == doctest::Approx(2340.0).epsilon(0.03));
  CHECK(o / 20000 == doctest::Approx(438.7).epsilon(0.03));
}

TEST_CASE("file: malformed input names the file and line") {
  ScratchDir dir;
  const auto fails = [&](const std::string& content, const std::string& message) {
    const std::string path = dir.write("bad.csv", content);
    CHECK_THROWS_WITH_AS((void)length_distributions().create("file", file_params(path)),
                         (path + message).c_str(), InputError);
  };
  fails("num_prefill_tokens,num_decode_tokens\n5,5\n\n5,x\n",
        ":4: num_decode_tokens: expected a non-negative integer, got 'x'");
  fails("num_prefill_tokens,num_decode_tokens\n5,5,5\n", ":2: expected 2 fields, got 3");
  fails("num_prefill_tokens,num_decode_tokens\n0,5\n", ":2: num_prefill_tokens must be at least 1");
  fails("prompt,num_decode_tokens\n5,5\n",
        ":1: no column 'num_prefill_tokens' (header has: prompt, num_decode_tokens)");
  fails("num_prefill_tokens,num_decode_tokens\n", ": no rows after the header");
  fails("", ": empty file; expected a header row");
  CHECK_THROWS_WITH_AS(
      (void)length_distributions().create("file", file_params(dir.file("missing.csv"))),
      (dir.file("missing.csv") + ": cannot open file").c_str(), InputError);
}
