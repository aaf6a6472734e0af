// The closed-form collectives (topology/graph_collectives) against the same collectives
// simulated as SimGrid flows (`moesim topology calibrate`): they must agree on a star (one
// switch) and on a non-blocking fat-tree, where max-min sharing has no effect the closed form
// misses.
#include <doctest/doctest.h>

#include <regex>

#include "tests/test_support.hpp"

using namespace moesim::test;

namespace {

double difference_percent(const std::string& tag, const std::string& cluster,
                          const std::string& collective) {
  // Test cases run in parallel: each call gets its own folder.
  const std::string dir = temp_dir("calibrate-" + tag + "-" + collective);
  write_text(dir + "/s.yaml", "name: c\nmodel: qwen1.5-moe-a2.7b\nhardware: h100-sxm\ncluster: " +
                                  cluster + "\nworkload: {source: {name: poisson, rate: 1/s}}\n");
  const auto r = run_moesim("topology calibrate " + dir + "/s.yaml --collective " + collective +
                            " --bytes 32MiB");
  REQUIRE_MESSAGE(r.status == 0, r.output);
  std::smatch m;
  REQUIRE(std::regex_search(r.output, m, std::regex("difference +([-+0-9.eE]+)%")));
  return std::stod(m[1]);
}

}  // namespace

TEST_CASE("closed form equals SimGrid flows on one switch") {
  for (const char* c : {"all_to_all", "all_reduce", "all_gather"}) {
    CHECK_MESSAGE(std::abs(difference_percent("star", "{nodes: 1, devices_per_node: 8}", c)) < 0.01, c);
  }
}

TEST_CASE("closed form equals SimGrid flows on a non-blocking fat-tree") {
  const std::string ft =
      "{nodes: 4, devices_per_node: 8, topology: {name: fat_tree, nodes_per_leaf: 2}}";
  for (const char* c : {"all_to_all", "all_reduce", "all_gather"}) {
    CHECK_MESSAGE(std::abs(difference_percent("fat-tree", ft, c)) < 0.5, c);
  }
}
