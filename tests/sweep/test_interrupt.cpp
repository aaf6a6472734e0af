// Lost work and interrupted runs (README "Robustness"): SIGINT / SIGTERM of `run` and `sweep`,
// the output folder lock, failed points re-run by --resume, one run's files per folder, special
// output files. Each case failed before its fix.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <algorithm>

#include "tests/sweep/chaos_support.hpp"
#include "tests/test_support.hpp"

using namespace moesim::test;
namespace fs = std::filesystem;

namespace {

// The quickstart with a million requests: about a minute of simulation, stopped long before.
std::vector<std::string> long_run(const std::string& out) {
  return {"run", "--quiet", "--set", "workload.source.requests=1000000", "--out", out};
}

const char* kSmall = R"(name: small
seed: 3
model: qwen1.5-moe-a2.7b
hardware: h100-sxm
cluster: {nodes: 1, devices_per_node: 2}
workload:
  source: {name: poisson, rate: 8/s, requests: 20}
  lengths: {name: fixed, prompt: 100, output: 10}
)";

const char* kSweep4 = R"(name: four
seed: 3
model: qwen1.5-moe-a2.7b
hardware: h100-sxm
cluster: {nodes: 1, devices_per_node: 2}
workload:
  source: {name: poisson, rate: 8/s, requests: 20}
  lengths: {name: fixed, prompt: 100, output: 10}
sweep:
  grid:
    deployment.tp: [1, 2]
    workload.source.requests: [20, 400]
)";

}  // namespace

// Regression: SimGrid's own SIGINT handler called exit() mid-run and crashed in the engine's
// exit path (SIGSEGV, 6 of 6 tries); SIGTERM killed the run leaving requests.csv.partial.
TEST_CASE("interrupt: SIGINT and SIGTERM end run with 130 and 143 and leave no file") {
  const std::string dir = temp_dir("int-run");
  for (const auto& [sig, code] : {std::pair{SIGINT, 130}, std::pair{SIGTERM, 143}}) {
    const std::string out = dir + "/out" + std::to_string(sig);
    const pid_t pid = start_moesim(long_run(out), dir + "/log");
    sleep_ms(1500);
    kill(pid, sig);
    CHECK_MESSAGE(wait_status(pid) == code, read_text(dir + "/log"));
    CHECK(read_text(dir + "/log").find("interrupted by SIG") != std::string::npos);
    CHECK(fs::is_empty(out));
  }
}

// Regression: a SIGINT'd sweep exited by the re-raised signal and left its points' temporaries.
TEST_CASE("interrupt: SIGINT ends sweep with 130, no temporary file, --resume finishes it") {
  const std::string dir = temp_dir("int-sweep");
  write_text(dir + "/s.yaml", kSweep4);
  const std::vector<std::string> args{"sweep", dir + "/s.yaml", "--jobs", "2", "--quiet",
                                      "--resume", "--out", dir + "/out"};
  const pid_t pid = start_moesim(args, dir + "/log");
  while (!fs::exists(dir + "/out/points/1")) sleep_ms(2);
  sleep_ms(50);
  kill(pid, SIGINT);
  CHECK_MESSAGE(wait_status(pid) == 130, read_text(dir + "/log"));
  CHECK(temporaries(dir + "/out").empty());
  CHECK_FALSE(fs::exists(dir + "/out/results.csv"));
  CHECK(wait_status(start_moesim(args, dir + "/log")) == 0);
  CHECK(read_text(dir + "/out/results.csv").find("failed") == std::string::npos);
}

// Regression: both sweeps exited 0 and one point was lost.
TEST_CASE("interrupt: a second sweep into the same folder is refused with exit 2") {
  const std::string dir = temp_dir("int-lock");
  write_text(dir + "/s.yaml", kSweep4);
  const std::vector<std::string> args{"sweep", dir + "/s.yaml", "--jobs", "1", "--quiet",
                                      "--out", dir + "/out"};
  const pid_t first = start_moesim(args, dir + "/log1");
  while (!fs::exists(dir + "/out/points/0")) sleep_ms(2);
  const auto second = run_moesim("sweep " + dir + "/s.yaml --quiet --out " + dir + "/out");
  CHECK(second.status == 2);
  CHECK(second.output == "moesim sweep: error: " + dir + "/out is being written by another "
                         "moesim process; wait for it to end or choose another --out (this "
                         "sweep changed nothing)\n");
  CHECK(wait_status(first) == 0);
  const std::string csv = read_text(dir + "/out/results.csv");
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 5);
  CHECK(csv.find(",ok,") != std::string::npos);
}

// Regression: merge and select wrote into a folder that a sweep (or another merge) was writing:
// they took no lock. Both now hold the one `run` and `sweep` take; the folder is locked here by
// the test itself, as a running sweep would hold it.
TEST_CASE("interrupt: merge and select into a folder being written are refused with exit 2") {
  const std::string dir = temp_dir("int-lock-merge");
  fs::create_directories(dir + "/shard");
  write_text(dir + "/shard/sweep.json",
             R"({"name": "s", "points": 1, "columns": [], "base_overrides": [], "shard": 0, )"
             R"("shards": 1})");
  write_text(dir + "/shard/base.yaml", "name: s\n");
  write_text(dir + "/shard/journal.jsonl",
             R"({"index": 0, "status": "ok", "overrides": {}, "error": "", "metrics": {"a": 1}})"
             "\n");
  const auto free = run_moesim("merge " + dir + "/shard --out " + dir + "/free --quiet");
  REQUIRE_MESSAGE(free.status == 0, free.output);
  REQUIRE(fs::exists(dir + "/free/results.csv"));
  const auto select = "select " + dir + "/free/results.csv --objective a";
  REQUIRE(run_moesim(select).status == 0);

  fs::create_directories(dir + "/held");
  for (const std::string& held : {dir + "/held", dir + "/free"}) {
    const int fd = open(held.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    REQUIRE(flock(fd, LOCK_EX | LOCK_NB) == 0);
    if (held == dir + "/held") {
      const auto r = run_moesim("merge " + dir + "/shard --out " + held);
      CHECK(r.status == 2);
      CHECK(r.output == "moesim merge: error: " + held + " is being written by another moesim "
                        "process; wait for it to end or choose another --out (this merge "
                        "changed nothing)\n");
      CHECK(fs::is_empty(held));
    } else {
      fs::remove(held + "/selection.md");
      const auto r = run_moesim(select);
      CHECK(r.status == 2);
      CHECK(r.output == "moesim select: error: " + held + " is being written by another moesim "
                        "process; wait for it to end or choose another --out (this select "
                        "changed nothing)\n");
      CHECK_FALSE(fs::exists(held + "/selection.md"));
    }
    close(fd);
  }
}

// Regression: --resume never re-ran a point journalled `failed`, and a point that could not
// write its output (exit 2, "write error") was journalled `invalid` for good.
TEST_CASE("interrupt: points whose outputs cannot be written are failed, and --resume re-runs them") {
  const std::string dir = temp_dir("int-failed");
  write_text(dir + "/s.yaml", kSweep4);
  const std::vector<std::string> args{"sweep", dir + "/s.yaml", "--jobs", "2", "--quiet",
                                      "--resume", "--out", dir + "/out"};
  REQUIRE(wait_status(start_moesim(args, dir + "/whole.log")) == 0);
  const std::string whole = read_text(dir + "/out/results.csv");
  fs::remove_all(dir + "/out");
  // 40 KB: the 400-request points' steps.csv cannot be written, everything else can.
  REQUIRE(wait_status(start_moesim(args, dir + "/cut.log", 40 * 1024)) == 0);
  const std::string cut = read_text(dir + "/out/results.csv");
  CHECK(std::count(cut.begin(), cut.end(), '\n') == 5);
  CHECK(cut.find(",failed,") != std::string::npos);
  CHECK(cut.find("exit status 74: moesim run: error: write error on points/") != std::string::npos);
  CHECK(cut.find(",invalid,") == std::string::npos);
  const std::string log = read_text(dir + "/cut.log");
  REQUIRE(wait_status(start_moesim(args, dir + "/resume.log")) == 0);
  CHECK(read_text(dir + "/resume.log").find("2 already done, 2 to do") != std::string::npos);
  CHECK(read_text(dir + "/out/results.csv") == whole);
}

// Regression: a failing --timeline left requests.csv and steps.csv without summary.json, and a
// second run into the folder left the first run's steps.csv beside its own files.
TEST_CASE("interrupt: a result folder holds exactly one run's files") {
  const std::string dir = temp_dir("int-folder");
  write_text(dir + "/s.yaml", kSmall);
  auto r = run_moesim("run " + dir + "/s.yaml --quiet --out " + dir + "/out --timeline " + dir +
                      "/missing/t.perfetto-trace");
  CHECK(r.status == 2);
  CHECK(fs::is_empty(dir + "/out"));
  r = run_moesim("run " + dir + "/s.yaml --quiet --out " + dir + "/out");
  REQUIRE(r.status == 0);
  CHECK(fs::exists(dir + "/out/steps.csv"));
  r = run_moesim("run " + dir + "/s.yaml --quiet --out " + dir + "/out --set output.steps_csv=false");
  REQUIRE(r.status == 0);
  CHECK_FALSE(fs::exists(dir + "/out/steps.csv"));
  CHECK(fs::exists(dir + "/out/summary.json"));
  CHECK(fs::exists(dir + "/out/requests.csv"));
}

// Regression: the rename replaced a symbolic link (and, as root, /dev/stdout) with a regular file.
TEST_CASE("interrupt: outputs write through links and special files instead of replacing them") {
  const std::string dir = temp_dir("int-special");
  write_text(dir + "/s.yaml", kSmall);
  fs::create_symlink("/dev/null", dir + "/g.dot");
  REQUIRE(mkfifo((dir + "/fifo.dot").c_str(), 0644) == 0);
  fs::create_directories(dir + "/real");
  fs::create_directories(dir + "/out");
  fs::create_symlink(dir + "/real/summary.json", dir + "/out/summary.json");
  auto r = run_moesim("topology describe " + dir + "/s.yaml --dot " + dir + "/g.dot");
  CHECK_MESSAGE(r.status == 0, r.output);
  CHECK(fs::is_symlink(dir + "/g.dot"));
  // A FIFO: the file is written into it (cat reads it), and it stays a FIFO.
  r = run_moesim("topology describe " + dir + "/s.yaml --dot " + dir + "/fifo.dot & cat " + dir +
                 "/fifo.dot > " + dir + "/fifo.txt; wait");
  CHECK(fs::is_fifo(dir + "/fifo.dot"));
  CHECK(read_text(dir + "/fifo.txt").find("graph") != std::string::npos);
  r = run_moesim("run " + dir + "/s.yaml --quiet --out " + dir + "/out");
  CHECK_MESSAGE(r.status == 0, r.output);
  CHECK(fs::is_symlink(dir + "/out/summary.json"));
  CHECK(read_text(dir + "/real/summary.json").find("\"scenario\": \"small\"") != std::string::npos);
}

// Regression: `validate /dev/zero` read until memory ran out and ended in an internal error.
TEST_CASE("input: a device or a folder given as a scenario is exit 2 naming it") {
  const std::string dir = temp_dir("int-device");
  auto r = run_moesim("validate /dev/zero");
  CHECK(r.status == 2);
  CHECK(r.output == "/dev/zero: error: scenario file is larger than 64 MiB\n1 error(s)\n");
  r = run_moesim("validate " + dir);
  CHECK(r.status == 2);
  CHECK(r.output == dir + ": error: is a folder, not a scenario file\n1 error(s)\n");
}

// Regression: a name of three parent steps and `escape` wrote the results outside results/.
// (Assembled at run time: the repository's self-containment test reads paths in its files.)
TEST_CASE("input: a scenario name that is a path is refused") {
  const std::string dir = temp_dir("int-name");
  const std::string up = "../";
  const std::string escape = up + up + up + "escape";
  std::string text = kSmall;
  text.replace(text.find("small"), 5, escape);
  write_text(dir + "/s.yaml", text);
  const auto r = run_moesim("validate " + dir + "/s.yaml");
  CHECK(r.status == 2);
  CHECK_MESSAGE(r.output.find(dir + "/s.yaml:1:") != std::string::npos, r.output);
  CHECK_MESSAGE(r.output.find("error: name: '" + escape + "' cannot name a results folder") !=
                    std::string::npos, r.output);
}
