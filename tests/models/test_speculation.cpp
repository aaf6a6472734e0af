// Acceptance models: Leviathan et al.'s tau(gamma, alpha), the reductions between models, folding
// of long acceptances, and seeded sampling.
#include <doctest/doctest.h>

#include <cmath>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "models/acceptance_model.hpp"
#include "models/rng.hpp"
#include "models/speculation_model.hpp"

using namespace moesim;

namespace {

std::unique_ptr<AcceptanceModel> make(const char* name, const char* param, ParamValue v) {
  ParamSet p;
  p.set(param, std::move(v));
  return acceptance_models().create(name, std::move(p));
}

}  // namespace

TEST_CASE("iid_expected_emitted: tau(gamma, 0.8) = (1 - 0.8^(gamma+1)) / 0.2") {
  // gamma = 1: (1 - 0.64)   / 0.2 = 0.36   / 0.2 = 1.80
  // gamma = 2: (1 - 0.512)  / 0.2 = 0.488  / 0.2 = 2.44
  // gamma = 3: (1 - 0.4096) / 0.2 = 0.5904 / 0.2 = 2.952  -> 2.95
  // gamma = 4: (1 - 0.32768)/ 0.2 = 0.67232/ 0.2 = 3.3616 -> 3.36
  const double expected[] = {1.80, 2.44, 2.95, 3.36};
  for (int gamma = 1; gamma <= 4; ++gamma) {
    CAPTURE(gamma);
    CHECK(std::fabs(iid_expected_emitted(gamma, 0.8) - expected[gamma - 1]) < 0.005);
  }
  // gamma = 0: only the bonus token, tau = 1. alpha = 1: every draft accepted, tau = gamma + 1.
  CHECK(iid_expected_emitted(0, 0.8) == doctest::Approx(1.0));
  CHECK(iid_expected_emitted(5, 1.0) == doctest::Approx(6.0));
  // alpha = 0: every first draft rejected, only the bonus token.
  CHECK(iid_expected_emitted(5, 0.0) == doctest::Approx(1.0));
}

TEST_CASE("iid acceptance model: expected_emitted matches the closed form") {
  // 1 + E[accepted] with P(n) = 0.8^n * 0.2 (n < gamma), P(gamma) = 0.8^gamma telescopes to
  // (1 - 0.8^(gamma+1)) / 0.2.
  const auto iid = make("iid", "alpha", 0.8);
  for (int gamma = 0; gamma <= 8; ++gamma) {
    CAPTURE(gamma);
    CHECK(iid->expected_emitted(gamma) == doctest::Approx(iid_expected_emitted(gamma, 0.8)));
    const auto d = iid->accepted_distribution(gamma);
    REQUIRE(d.size() == std::size_t(gamma + 1));
    CHECK(std::accumulate(d.begin(), d.end(), 0.0) == doctest::Approx(1.0));
  }
  // The default alpha is 0.8.
  const auto by_default = acceptance_models().create("iid", {});
  CHECK(by_default->expected_emitted(3) == doctest::Approx(2.952));
}

TEST_CASE("per_position with every rate alpha equals iid") {
  const auto iid = make("iid", "alpha", 0.7);
  // Three rates; positions beyond the list reuse the last, so gamma up to 6 is still iid.
  const auto pos = make("per_position", "rates", std::vector<double>{0.7, 0.7, 0.7});
  for (int gamma = 0; gamma <= 6; ++gamma) {
    CAPTURE(gamma);
    const auto a = iid->accepted_distribution(gamma);
    const auto b = pos->accepted_distribution(gamma);
    REQUIRE(a.size() == b.size());
    for (std::size_t n = 0; n < a.size(); ++n) CHECK(b[n] == doctest::Approx(a[n]));
    CHECK(pos->expected_emitted(gamma) == doctest::Approx(iid->expected_emitted(gamma)));
  }
}

TEST_CASE("per_position uses conditional rates per position") {
  // rates {0.9, 0.5}, gamma = 3: P(0) = 0.1; P(1) = 0.9 * 0.5 = 0.45;
  // P(2) = 0.9 * 0.5 * 0.5 = 0.225 (position 3 reuses 0.5); P(3) = 0.9 * 0.5 * 0.5 = 0.225.
  // tau = 1 + 0.45 + 2 * 0.225 + 3 * 0.225 = 2.575.
  const auto pos = make("per_position", "rates", std::vector<double>{0.9, 0.5});
  const auto d = pos->accepted_distribution(3);
  REQUIRE(d.size() == 4);
  CHECK(d[0] == doctest::Approx(0.1));
  CHECK(d[1] == doctest::Approx(0.45));
  CHECK(d[2] == doctest::Approx(0.225));
  CHECK(d[3] == doctest::Approx(0.225));
  CHECK(pos->expected_emitted(3) == doctest::Approx(2.575));
}

TEST_CASE("empirical acceptance folds mass beyond gamma into gamma") {
  // Frequencies {1, 2, 3, 4} for 0..3 accepted, normalised by 10: {0.1, 0.2, 0.3, 0.4}.
  const auto emp = make("empirical", "probabilities", std::vector<double>{1, 2, 3, 4});
  // gamma = 3 (the table's range): unchanged. tau = 1 + 0.2 + 0.6 + 1.2 = 3.0.
  const auto full = emp->accepted_distribution(3);
  REQUIRE(full.size() == 4);
  CHECK(full[0] == doctest::Approx(0.1));
  CHECK(full[3] == doctest::Approx(0.4));
  CHECK(emp->expected_emitted(3) == doctest::Approx(3.0));
  // gamma = 1: acceptances of 2 and 3 would be cut at 1: {0.1, 0.2 + 0.3 + 0.4} = {0.1, 0.9}.
  const auto cut = emp->accepted_distribution(1);
  REQUIRE(cut.size() == 2);
  CHECK(cut[0] == doctest::Approx(0.1));
  CHECK(cut[1] == doctest::Approx(0.9));
  CHECK(emp->expected_emitted(1) == doctest::Approx(1.9));
  // gamma = 5 beyond the table: the extra positions have probability 0.
  const auto longer = emp->accepted_distribution(5);
  REQUIRE(longer.size() == 6);
  CHECK(longer[4] == 0.0);
  CHECK(longer[5] == 0.0);
  CHECK(emp->expected_emitted(5) == doctest::Approx(3.0));
}

TEST_CASE("gamma = 0 gives the distribution {1} for every acceptance model") {
  const auto iid = make("iid", "alpha", 0.6);
  const auto pos = make("per_position", "rates", std::vector<double>{0.9, 0.2});
  const auto emp = make("empirical", "probabilities", std::vector<double>{0.3, 0.3, 0.4});
  for (const AcceptanceModel* m : {iid.get(), pos.get(), emp.get()}) {
    const auto d = m->accepted_distribution(0);
    REQUIRE(d.size() == 1);
    CHECK(d[0] == doctest::Approx(1.0));
    // No speculation: exactly the one bonus token per round.
    CHECK(m->expected_emitted(0) == doctest::Approx(1.0));
  }
}

TEST_CASE("sample() frequencies converge to the distribution (seeded, 100k draws)") {
  // iid alpha = 0.8, gamma = 4: {0.2, 0.16, 0.128, 0.1024, 0.4096}. With 1e5 draws the
  // standard error of a frequency is at most sqrt(0.25 / 1e5) = 0.0016, so 0.01 is > 6 sigma.
  const auto iid = make("iid", "alpha", 0.8);
  const auto dist = iid->accepted_distribution(4);
  RandomStream rng(42, "test.acceptance.sample");
  constexpr int kDraws = 100000;
  std::vector<int> counts(dist.size(), 0);
  double emitted = 0;
  for (int i = 0; i < kDraws; ++i) {
    const int n = AcceptanceModel::sample(dist, rng);
    REQUIRE(n >= 0);
    REQUIRE(n <= 4);
    ++counts[n];
    emitted += 1.0 + n;
  }
  for (std::size_t n = 0; n < dist.size(); ++n) {
    CAPTURE(n);
    CHECK(std::fabs(double(counts[n]) / kDraws - dist[n]) < 0.01);
  }
  // The sample mean of emitted tokens approaches tau = 3.3616 within 1%.
  CHECK(emitted / kDraws == doctest::Approx(3.3616).epsilon(0.01));
}

TEST_CASE("sample() is deterministic for a given stream") {
  const auto dist = make("iid", "alpha", 0.5)->accepted_distribution(3);
  RandomStream a(7, "spec"), b(7, "spec");
  for (int i = 0; i < 1000; ++i) {
    CHECK(AcceptanceModel::sample(dist, a) == AcceptanceModel::sample(dist, b));
  }
  // The one-point distribution always gives 0 accepted.
  RandomStream c(7, "spec");
  for (int i = 0; i < 100; ++i) CHECK(AcceptanceModel::sample({1.0}, c) == 0);
}

TEST_CASE("rejection_sampling_op: each attention data-parallel rank verifies its own sequences") {
  ModelArch m;
  m.vocab = 1000;
  const BatchShape decode = BatchShape::decode(64, 1, 100);
  Parallel one;
  one.tp = 2;
  Parallel two = one;
  two.dp = 2;
  // 64 sequences x (2 x 3 + 1) positions x 1000 x 4 B / tp 2 = 896,000 B on one rank; with dp = 2
  // each rank holds 32 of the sequences: 448,000 B, half.
  const Op a = rejection_sampling_op(m, decode, 3, one);
  const Op b = rejection_sampling_op(m, decode, 3, two);
  CHECK(a.bytes.value() == doctest::Approx(896000.0));
  CHECK(b.bytes.value() == doctest::Approx(448000.0));
  CHECK(std::string(b.name) == op_names::kRejection);
}
