// The 200-point quickstart sweep with --jobs 2, interrupted midway (SIGTERM once a fifth of the
// points are journaled) and resumed, gives the same results.csv, byte for byte, as an
// uninterrupted run; select then prints the ranked table.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "tests/test_support.hpp"

using namespace moesim::test;

namespace {

std::size_t lines_of(const std::string& path) {
  const std::string t = read_text(path);
  return std::size_t(std::count(t.begin(), t.end(), '\n'));
}

}  // namespace

TEST_CASE("200-point sweep: killed midway and resumed equals an uninterrupted run") {
  const std::string file = std::string(MOESIM_SOURCE_DIR) + "/scenarios/studies/quickstart-200.yaml";
  const std::string whole = temp_dir("sweep200-whole"), cut = temp_dir("sweep200-cut");
  auto r = run_moesim("sweep " + file + " --jobs 2 --quiet --out " + whole);
  REQUIRE_MESSAGE(r.status == 0, r.output);
  CHECK(lines_of(whole + "/results.csv") == 201);

  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    execl(MOESIM_BINARY, MOESIM_BINARY, "sweep", file.c_str(), "--jobs", "2", "--quiet", "--out",
          cut.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (lines_of(cut + "/journal.jsonl") < 40 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  const std::size_t done = lines_of(cut + "/journal.jsonl");
  CHECK(done >= 40);
  CHECK(done < 200);  // it was interrupted

  r = run_moesim("sweep " + file + " --jobs 2 --quiet --resume --out " + cut);
  REQUIRE_MESSAGE(r.status == 0, r.output);
  CHECK(read_text(cut + "/results.csv") == read_text(whole + "/results.csv"));

  r = run_moesim("select " + whole + "/results.csv --objective "
                 "throughput_output_tokens_per_s_per_device --constraint \"tpot_s.p90<=0.01\" --top 10");
  CHECK(r.status == 0);
  CHECK(r.output.find("| rank |") != std::string::npos);
  CHECK(r.output.find("removed by tpot_s.p90<=0.01") != std::string::npos);
}
