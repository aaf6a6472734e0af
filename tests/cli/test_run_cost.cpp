// Cost figures of `moesim run` from an hourly device price (scenario `cost` or the hardware
// preset's field), their absence without one, bad prices, and cost metrics in `compare`.
#include <doctest/doctest.h>

#include <algorithm>
#include <regex>

#include "tests/test_support.hpp"

using namespace moesim::test;

namespace {

const std::string kBase = "run --quiet --set workload.source.requests=20 "
                          "--set speculative.compare_without_speculation=false ";

// The number after "KEY": in summary.json text (the first occurrence).
double json_number(const std::string& json, const std::string& key) {
  std::smatch m;
  REQUIRE(std::regex_search(json, m, std::regex("\"" + key + "\": ([0-9.eE+-]+)")));
  return std::stod(m[1]);
}

// The shipped quickstart with `hardware_line` for its hardware and `tail` appended.
std::string quickstart_with(const std::string& hardware_line, const std::string& tail) {
  std::string text = read_text(std::string(MOESIM_SOURCE_DIR) + "/scenarios/quickstart.yaml");
  const std::string from = "hardware: h100-sxm\n";
  text.replace(text.find(from), from.size(), hardware_line + "\n");
  return text + tail;
}

}  // namespace

TEST_CASE("run: a price gives summary.json cost figures and a report line, none no cost key") {
  const std::string d = temp_dir("run-cost");
  const auto r = run_moesim("run --set workload.source.requests=20 "
                            "--set speculative.compare_without_speculation=false "
                            "--set cost.price_per_device_hour=2 --out " + d + "/priced");
  REQUIRE(r.status == 0);
  CHECK(r.output.find("  cost $") != std::string::npos);
  CHECK(r.output.find("device-hours at $2)") != std::string::npos);
  const std::string s = read_text(d + "/priced/summary.json");
  REQUIRE(s.find("\"cost\": {") != std::string::npos);
  // device_hours = devices x simulated time / 3600 (one device here); dollars = price x that.
  const double sim = json_number(s, "simulated_time_s");
  const double out_tokens = json_number(s, "output_tokens");
  const double in_tokens = json_number(s, "input_tokens");
  CHECK(json_number(s, "devices") == 1);
  CHECK(json_number(s, "price_per_device_hour") == 2);
  CHECK(json_number(s, "device_hours") == doctest::Approx(sim / 3600));
  const double dollars = json_number(s, "dollars");
  CHECK(dollars == doctest::Approx(2 * sim / 3600));
  CHECK(json_number(s, "output_tokens_per_dollar") == doctest::Approx(out_tokens / dollars));
  CHECK(json_number(s, "dollars_per_million_output_tokens") ==
        doctest::Approx(dollars * 1e6 / out_tokens));
  CHECK(json_number(s, "dollars_per_million_input_tokens") ==
        doctest::Approx(dollars * 1e6 / in_tokens));
  CHECK(read_text(d + "/priced/scenario.resolved.yaml").find("cost:\n  price_per_device_hour: 2") !=
        std::string::npos);

  const auto plain = run_moesim(kBase + "--out " + d + "/plain");
  REQUIRE(plain.status == 0);
  CHECK(read_text(d + "/plain/summary.json").find("\"cost\"") == std::string::npos);
  std::filesystem::remove_all(d);
}

TEST_CASE("run: the hardware preset's price, and the scenario's price overrides it") {
  const std::string d = temp_dir("run-cost-hw");
  write_text(d + "/hw.yaml",
             quickstart_with("hardware: {preset: h100-sxm, price_per_device_hour: 3}", ""));
  REQUIRE(run_moesim(kBase + d + "/hw.yaml --out " + d + "/hw").status == 0);
  CHECK(json_number(read_text(d + "/hw/summary.json"), "price_per_device_hour") == 3);
  REQUIRE(run_moesim(kBase + d + "/hw.yaml --set cost.price_per_device_hour=2.5 --out " + d +
                     "/both").status == 0);
  CHECK(json_number(read_text(d + "/both/summary.json"), "price_per_device_hour") == 2.5);
  std::filesystem::remove_all(d);
}

TEST_CASE("run: zero, negative and non-numeric prices exit 2 at their place") {
  const std::string d = temp_dir("run-cost-bad");
  const std::string text = quickstart_with("hardware: h100-sxm", "cost:\n  price_per_device_hour: 0\n");
  const long line = std::count(text.begin(), text.end(), '\n');  // the last line
  write_text(d + "/zero.yaml", text);
  auto r = run_moesim("validate " + d + "/zero.yaml");
  CHECK(r.status == 2);
  CHECK(r.output.find(d + "/zero.yaml:" + std::to_string(line) + ":") != std::string::npos);
  CHECK(r.output.find("cost.price_per_device_hour") != std::string::npos);
  CHECK(r.output.find("a number > 0 without a unit") != std::string::npos);
  for (const char* bad : {"-1", "2.5USD", "abc"}) {
    r = run_moesim(kBase + "--set cost.price_per_device_hour=" + bad + " --out " + d + "/x");
    CHECK(r.status == 2);
    CHECK(r.output.find("got '" + std::string(bad) + "'") != std::string::npos);
  }
  write_text(d + "/hw.yaml",
             quickstart_with("hardware: {preset: h100-sxm, price_per_device_hour: -2}", ""));
  r = run_moesim("validate " + d + "/hw.yaml");
  CHECK(r.status == 2);
  CHECK(r.output.find("hardware.price_per_device_hour") != std::string::npos);
  std::filesystem::remove_all(d);
}

TEST_CASE("compare: cost metrics of priced runs, by default and by name") {
  const std::string d = temp_dir("compare-cost");
  REQUIRE(run_moesim(kBase + "--set cost.price_per_device_hour=2 --out " + d + "/p2").status == 0);
  REQUIRE(run_moesim(kBase + "--set cost.price_per_device_hour=4 --out " + d + "/p4").status == 0);
  // Same simulation, twice the price: twice the dollars per million tokens, half the tokens per $.
  auto r = run_moesim("compare " + d + "/p2 " + d + "/p4");
  REQUIRE(r.status == 0);
  CHECK(std::regex_search(r.output,
                          std::regex("\\| cost\\.dollars_per_million_output_tokens \\| [0-9.e+]+ \\| "
                                     "[0-9.e+]+ \\(x2\\) \\|")));
  CHECK(std::regex_search(r.output, std::regex("\\| cost\\.output_tokens_per_dollar \\| [0-9.e+]+ "
                                               "\\| [0-9.e+]+ \\(x0\\.5\\) \\|")));
  r = run_moesim("compare " + d + "/p2 " + d + "/p4 --metrics cost.dollars_per_million_input_tokens");
  REQUIRE(r.status == 0);
  CHECK(r.output.find("| cost.dollars_per_million_input_tokens |") != std::string::npos);
  std::filesystem::remove_all(d);
}
